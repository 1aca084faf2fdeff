package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.sync.protocol.FrameStream;
import io.syncline.client.internal.HttpSyncProtocol;
import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.SessionLimits;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A hostile peer sending malformed or oversized frames over a real socket gets a protocol Error
 * naming the fault and is disconnected; the server keeps serving the well-behaved clients.
 */
class MalformedFramesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_FRAME = 16 << 10;
  private static final SessionLimits LIMITS = new SessionLimits(MAX_FRAME, 16, 15_000);
  private static final BinaryCodec CODEC = new BinaryCodec(1 << 20);

  @Test
  void webSocketPeerSendingBadFramesGetsAnErrorAndOthersAreStillServed() throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    Store b = Store.builder().replicaId("bob").build();
    try (HubServer hub = new HubServer(server, "todo", LIMITS).start();
        SyncClient ca = SyncClient.connect(hub.wsUri(), a, TestOptions.fast("todo", 1));
        SyncClient cb = SyncClient.connect(hub.wsUri(), b, TestOptions.fast("todo", 2))) {
      a.setCell("t", "r", "c", "first");
      Await.until(TIMEOUT, () -> "first".equals(b.getCell("t", "r", "c")), b::toString);

      expectWsError(hub, new byte[] {0x7F, 0x00}, ErrorCode.UNKNOWN_TYPE);
      expectWsError(hub, new byte[] {0x01, 0x05, 0x53}, ErrorCode.TRUNCATED);
      expectWsError(hub, oversizedPush(), ErrorCode.FRAME_TOO_LARGE);
      expectWsError(hub, CODEC.encode(new Message.Pull(io.syncline.sync.protocol.Bytes.EMPTY)),
          ErrorCode.UNEXPECTED_MESSAGE);

      b.setCell("t", "r", "c", "second");
      Await.until(TIMEOUT, () -> "second".equals(a.getCell("t", "r", "c"))
          && ConvergenceTest.converged(server, a, b), () -> a + " / " + b);
      assertThat(ca.status().state()).isEqualTo(SyncStatus.State.ONLINE);
      assertThat(cb.status().state()).isEqualTo(SyncStatus.State.ONLINE);
      Await.until(TIMEOUT, () -> sessions(hub) == 2, () -> "sessions: " + sessions(hub));
    }
  }

  @Test
  void httpPeerSendingBadBodiesGetsAnErrorAndOthersAreStillServed() throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    Store b = Store.builder().replicaId("bob").build();
    HttpClient raw = HttpClient.newHttpClient();
    try (HubServer hub = new HubServer(server, "todo", LIMITS).start();
        SyncClient ca = SyncClient.connect(hub.httpUri(), a, TestOptions.fast("todo", 3));
        SyncClient cb = SyncClient.connect(hub.httpUri(), b, TestOptions.fast("todo", 4))) {
      a.setCell("t", "r", "c", "first");
      Await.until(TIMEOUT, () -> "first".equals(b.getCell("t", "r", "c")), b::toString);

      expectHttpError(raw, hub, new byte[] {0x01, (byte) 0x85}, ErrorCode.TRUNCATED);
      expectHttpError(raw, hub, new byte[] {0x7F, 0x00}, ErrorCode.UNKNOWN_TYPE);
      expectHttpError(raw, hub, oversizedPush(), ErrorCode.FRAME_TOO_LARGE);
      expectHttpError(raw, hub, new byte[] {0x01, 0x01, 0x00}, ErrorCode.TRUNCATED); // a cut Hello
      assertThat(post(raw, hub, new byte[5 * MAX_FRAME], null).statusCode())
          .isEqualTo(HttpSyncProtocol.STATUS_TOO_LARGE);
      assertThat(post(raw, hub, new byte[0], "no-such-session").statusCode())
          .isEqualTo(HttpSyncProtocol.STATUS_UNKNOWN_SESSION);

      b.setCell("t", "r", "c", "second");
      Await.until(TIMEOUT, () -> "second".equals(a.getCell("t", "r", "c"))
          && ConvergenceTest.converged(server, a, b), () -> a + " / " + b);
      assertThat(ca.status().state()).isEqualTo(SyncStatus.State.ONLINE);
      assertThat(cb.status().state()).isEqualTo(SyncStatus.State.ONLINE);
    }
  }

  /** A Push frame whose body is 40 KB: over the 16 KiB frame limit, under the 64 KiB body limit. */
  private static byte[] oversizedPush() {
    int length = 40_000;
    byte[] frame = new byte[1 + 3 + length];
    frame[0] = 0x03;
    frame[1] = (byte) ((length & 0x7F) | 0x80);
    frame[2] = (byte) (((length >>> 7) & 0x7F) | 0x80);
    frame[3] = (byte) (length >>> 14);
    return frame;
  }

  private static void expectWsError(HubServer hub, byte[] bad, ErrorCode code) throws Exception {
    try (RawWebSocket raw = new RawWebSocket(hub.wsUri())) {
      raw.send(bad);
      Message m = CODEC.decode(raw.next());
      assertThat(m).isInstanceOf(Message.Error.class);
      Message.Error e = (Message.Error) m;
      assertThat(e.errorCode()).as(e.message()).isEqualTo(code);
      assertThat(e.fatal()).isTrue();
      assertThat(e.message()).isNotBlank();
      assertThat(raw.closed.get(5, TimeUnit.SECONDS)).isNotNull();
    }
  }

  private static void expectHttpError(HttpClient raw, HubServer hub, byte[] body, ErrorCode code)
      throws Exception {
    HttpResponse<byte[]> r = post(raw, hub, body, null);
    assertThat(r.statusCode()).isEqualTo(200);
    List<byte[]> frames = FrameStream.split(r.body(), 1 << 20);
    assertThat(frames).hasSize(1);
    Message.Error e = (Message.Error) CODEC.decode(frames.get(0));
    assertThat(e.errorCode()).as(e.message()).isEqualTo(code);
    assertThat(e.fatal()).isTrue();
    String session = r.headers().firstValue(HttpSyncProtocol.SESSION_HEADER).orElseThrow();
    assertThat(post(raw, hub, new byte[0], session).statusCode())
        .as("the failed session is gone").isEqualTo(HttpSyncProtocol.STATUS_UNKNOWN_SESSION);
  }

  private static HttpResponse<byte[]> post(HttpClient raw, HubServer hub, byte[] body,
      String session) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(hub.httpUri())
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", HttpSyncProtocol.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (session != null) {
      b.header(HttpSyncProtocol.SESSION_HEADER, session);
    }
    return raw.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static int sessions(HubServer hub) {
    try {
      return hub.sessionCount();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

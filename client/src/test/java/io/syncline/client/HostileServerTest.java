package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HostileServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A server that answers with garbage, oversized messages or HTTP errors: the client reports a
 * clear last error, tells the server what was wrong when the protocol says so, never goes
 * ONLINE, and keeps reconnecting with backoff.
 */
class HostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Test
  void unknownFrameFromTheServerIsAnsweredWithAnErrorAndReported() throws Exception {
    try (HostileServer server = new HostileServer(new byte[] {0x7F, 0x00}, 200)) {
      Store store = Store.create();
      try (SyncClient c = SyncClient.connect(server.wsUri(), store, TestOptions.fast("s", 1))) {
        Await.until(TIMEOUT, () -> server.connects.get() >= 3 && error(c).contains("UNKNOWN_TYPE"),
            () -> server.connects + " connects, " + c.status());
        assertThat(c.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      }
      BinaryCodec codec = new BinaryCodec(1 << 20);
      assertThat(server.received.stream().map(codec::decode).map(Message::type).toList())
          .as("the client's Error after the Hello").contains(
              io.syncline.sync.protocol.MessageType.ERROR);
      Message.Error e = server.received.stream().map(codec::decode)
          .filter(Message.Error.class::isInstance).map(Message.Error.class::cast).findFirst()
          .orElseThrow();
      assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    }
  }

  @Test
  void messageOverTheClientLimitClosesTheConnection() throws Exception {
    try (HostileServer server = new HostileServer(new byte[40_000], 200)) {
      SyncClient.Options o = SyncClient.Options.builder("s")
          .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
          .maxMessageBytes(16 << 10).build();
      try (SyncClient c = SyncClient.connect(server.wsUri(), Store.create(), o)) {
        Await.until(TIMEOUT, () -> error(c).contains("over the limit"), c::toString);
        assertThat(c.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      }
    }
  }

  @Test
  void httpResponseBodyOverTheClientLimitIsReported() throws Exception {
    try (HostileServer server = new HostileServer(new byte[40_000], 200)) {
      SyncClient.Options o = SyncClient.Options.builder("s")
          .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
          .maxMessageBytes(16 << 10).build();
      try (SyncClient c = SyncClient.connect(server.httpUri(), Store.create(), o)) {
        Await.until(TIMEOUT, () -> error(c).contains("over the limit of 16384"), c::toString);
        assertThat(c.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      }
    }
  }

  @Test
  void malformedHttpResponseBodyIsReported() throws Exception {
    expectHttpError(new byte[] {0x01, (byte) 0x85}, 200, s -> s.contains("not a sequence of frames"));
  }

  @Test
  void httpErrorStatusIsReported() throws Exception {
    expectHttpError("broken".getBytes(), 500, s -> s.contains("HTTP 500") && s.contains("broken"));
  }

  private static void expectHttpError(byte[] body, int status, Function<String, Boolean> check)
      throws Exception {
    try (HostileServer server = new HostileServer(body, status)) {
      URI uri = server.httpUri();
      try (SyncClient c = SyncClient.connect(uri, Store.create(), TestOptions.fast("s", 2))) {
        Await.until(TIMEOUT, () -> server.connects.get() >= 3 && check.apply(error(c)),
            () -> server.connects + " connects, " + c.status());
        assertThat(c.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      }
    }
  }

  private static String error(SyncClient c) {
    String e = c.status().lastError();
    return e == null ? "" : e;
  }
}

package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Delta;
import io.syncline.core.Store;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.JsonCodec;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.PayloadFormat;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.InMemoryTransport;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hub's side of the protocol, driven frame by frame. */
class SyncHubProtocolTest {
  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store server =
      Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
  private final Store alice =
      Store.builder().replicaId("alice").clock(new SchedulerClock(scheduler)).build();
  private final SyncHub hub = SyncHub.builder(server, "todo", scheduler).epoch(42)
      .authenticator((store, replica, token) ->
          token.equals("good") ? null : token.isEmpty() ? ErrorCode.UNAUTHORIZED : ErrorCode.FORBIDDEN)
      .build();

  private RawPeer connect() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "raw");
    hub.accept(pair.right());
    return new RawPeer(pair.left());
  }

  private static Message.Hello hello(String store, String token, List<Encoding> encodings) {
    return new Message.Hello(1, 1, store, "alice", token, encodings, Bytes.EMPTY);
  }

  private RawPeer open() {
    RawPeer p = connect();
    p.send(hello("todo", "good", List.of(Encoding.BINARY)));
    scheduler.runDue();
    assertThat(p.received.get(0)).isInstanceOf(Message.Welcome.class);
    return p;
  }

  private static void assertFatal(RawPeer p, ErrorCode code, String mentions) {
    Message.Error e = p.last(Message.Error.class);
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.fatal()).isTrue();
    assertThat(e.message()).contains(mentions);
    assertThat(p.closed).isNotNull();
  }

  @Test
  void helloIsWelcomedAndAnsweredWithTheWholeState() {
    server.setCell("t", "r", "c", "v");
    RawPeer p = open();
    Message.Welcome w = (Message.Welcome) p.received.get(0);
    assertThat(w.version()).isEqualTo(1);
    assertThat(w.encoding()).isEqualTo(Encoding.BINARY);
    assertThat(w.replicaId()).isEqualTo("server");
    assertThat(w.limits()).isEqualTo(SessionLimits.DEFAULT);
    Message.Changes c = p.last(Message.Changes.class);
    alice.applyDelta(Delta.decode(c.delta().toByteArray()));
    assertThat(alice.getTables()).isEqualTo(server.getTables());
    assertThat(c.cursor()).isEqualTo(Cursors.sequence(42, hub.sequence()));
  }

  @Test
  void versionNegotiationPicksTheHighestCommonVersionOrRefuses() {
    RawPeer p = connect();
    p.send(new Message.Hello(1, 9, "todo", "alice", "good", List.of(Encoding.BINARY), Bytes.EMPTY));
    scheduler.runDue();
    assertThat(p.last(Message.Welcome.class).version()).isEqualTo(1);
    RawPeer q = connect();
    q.send(new Message.Hello(2, 9, "todo", "alice", "good", List.of(Encoding.BINARY), Bytes.EMPTY));
    scheduler.runDue();
    assertFatal(q, ErrorCode.UNSUPPORTED_VERSION, "2 to 9");
  }

  @Test
  void wrongStoreAndCredentialsAreFatal() {
    RawPeer p = connect();
    p.send(hello("elsewhere", "good", List.of(Encoding.BINARY)));
    RawPeer q = connect();
    q.send(hello("todo", "", List.of(Encoding.BINARY)));
    RawPeer r = connect();
    r.send(hello("todo", "bad", List.of(Encoding.BINARY)));
    scheduler.runDue();
    assertFatal(p, ErrorCode.UNKNOWN_STORE, "elsewhere");
    assertFatal(q, ErrorCode.UNAUTHORIZED, "alice");
    assertFatal(r, ErrorCode.FORBIDDEN, "todo");
    assertThat(hub.sessionCount()).isZero();
  }

  @Test
  void messagesBeforeTheHelloAndASecondHelloAreUnexpected() {
    RawPeer p = connect();
    p.send(new Message.Pull(Bytes.EMPTY));
    scheduler.runDue();
    assertFatal(p, ErrorCode.UNEXPECTED_MESSAGE, "pull arrived before the Hello");
    RawPeer q = open();
    q.send(hello("todo", "good", List.of(Encoding.BINARY)));
    scheduler.runDue();
    assertFatal(q, ErrorCode.UNEXPECTED_MESSAGE, "second Hello");
  }

  @Test
  void malformedFrameIsAnsweredWithAFatalErrorAndNothingAcceptedBeforeIsLost() {
    RawPeer p = open();
    alice.setCell("t", "r", "c", "kept");
    p.send(new Message.Push(1, PayloadFormat.DELTA, Bytes.of(alice.fullState().encode())));
    scheduler.runDue();
    assertThat(p.last(Message.Ack.class).ids()).containsExactly(1L);
    p.sendRaw(HexFormat.of().parseHex("0305ff"));
    scheduler.runDue();
    assertFatal(p, ErrorCode.TRUNCATED, "frame.length");
    assertThat(server.getCell("t", "r", "c")).isEqualTo("kept");
    RawPeer q = open();
    q.sendRaw(HexFormat.of().parseHex("7700"));
    scheduler.runDue();
    assertFatal(q, ErrorCode.UNKNOWN_TYPE, "0x77");
  }

  @Test
  void oversizedFrameIsRejected() {
    RawPeer p = open();
    p.sendRaw(new byte[] {0x03, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
    scheduler.runDue();
    assertFatal(p, ErrorCode.FRAME_TOO_LARGE, "limit");
  }

  @Test
  void badPayloadIsRefusedAndTheSessionStaysOpen() {
    RawPeer p = open();
    p.send(new Message.Push(5, PayloadFormat.DELTA, Bytes.of(new byte[] {1, 2, 3})));
    p.send(new Message.Push(6, PayloadFormat.CHANGESET, Bytes.of(new byte[] {'C', 1, 0, 0, 0, 0})));
    // a delta whose envelope and checksum are fine but whose change block claims 2^31 writers
    io.syncline.core.internal.ByteWriter w = io.syncline.core.internal.Envelope.begin('D', 16);
    w.writeString("mallory");
    w.writeVarint(0);
    w.writeVarint(Integer.MAX_VALUE);
    p.send(new Message.Push(7, PayloadFormat.DELTA, Bytes.of(io.syncline.core.internal.Envelope.finish(w))));
    scheduler.runDue();
    List<Message.Refuse> refusals = p.received.stream()
        .filter(Message.Refuse.class::isInstance).map(Message.Refuse.class::cast).toList();
    assertThat(refusals).extracting(Message.Refuse::ids)
        .containsExactly(List.of(5L), List.of(6L), List.of(7L));
    assertThat(refusals.get(2).message()).contains("count");
    assertThat(refusals).allMatch(r -> r.errorCode() == ErrorCode.REFUSED_INVALID);
    assertThat(p.closed).isNull();
    p.send(new Message.Ping(9, 100));
    scheduler.runDue();
    assertThat(p.last(Message.Pong.class).nonce()).isEqualTo(9);
  }

  @Test
  void replayedPushIsAcknowledgedAgainAndChangesNothing() {
    RawPeer p = open();
    alice.setCell("t", "r", "c", 1L);
    Message.Push push = new Message.Push(1, PayloadFormat.DELTA, Bytes.of(alice.fullState().encode()));
    p.send(push);
    scheduler.runDue();
    long seq = hub.sequence();
    p.send(push);
    scheduler.runDue();
    assertThat(p.received.stream().filter(Message.Ack.class::isInstance).count()).isEqualTo(2);
    assertThat(hub.sequence()).isEqualTo(seq);
  }

  @Test
  void pullAnswersIncrementallyFromAKnownCursorAndFullyFromAnUnknownOne() {
    server.setCell("t", "a", "c", 1L);
    RawPeer p = open();
    Bytes cursor = p.last(Message.Changes.class).cursor();
    server.setCell("t", "b", "c", 2L);
    scheduler.runDue();
    assertThat(p.last(Message.Poke.class).cursor()).isNotEqualTo(cursor);
    p.send(new Message.Pull(cursor));
    scheduler.runDue();
    assertThat(Delta.decode(p.last(Message.Changes.class).delta().toByteArray()).size()).isEqualTo(1);
    p.send(new Message.Pull(Cursors.sequence(41, 1)));
    scheduler.runDue();
    assertThat(Delta.decode(p.last(Message.Changes.class).delta().toByteArray()).size()).isEqualTo(2);
    p.send(new Message.Pull(Cursors.versionVector(server.versionVector())));
    scheduler.runDue();
    Message.Changes vv = p.last(Message.Changes.class);
    assertThat(Delta.decode(vv.delta().toByteArray()).isEmpty()).isTrue();
    assertThat(vv.cursor().get(0)).isEqualTo((byte) 0x02);
  }

  @Test
  void silentSessionTimesOutAfterThreeHeartbeatsButAPingingOneDoesNot() {
    RawPeer silent = open();
    RawPeer pinging = open();
    for (int i = 0; i < 10; i++) {
      pinging.send(new Message.Ping(i, scheduler.nowMillis()));
      scheduler.advance(10_000);
    }
    assertFatal(silent, ErrorCode.TIMEOUT, "alice");
    assertThat(pinging.closed).isNull();
    assertThat(hub.sessionCount()).isEqualTo(1);
  }

  @Test
  void atMostOnePokeBetweenTwoPullsAndNoneForTheSessionsOwnPush() {
    RawPeer p = open();
    RawPeer q = open();
    server.setCell("t", "a", "c", 1L);
    scheduler.runDue();
    server.setCell("t", "b", "c", 2L);
    scheduler.runDue();
    assertThat(p.received.stream().filter(Message.Poke.class::isInstance).count()).isEqualTo(1);
    p.send(new Message.Pull(p.last(Message.Poke.class).cursor()));
    scheduler.runDue();
    server.setCell("t", "c", "c", 3L);
    scheduler.runDue();
    assertThat(p.received.stream().filter(Message.Poke.class::isInstance).count()).isEqualTo(2);
    long qPokes = q.received.stream().filter(Message.Poke.class::isInstance).count();
    q.send(new Message.Pull(Bytes.EMPTY));
    scheduler.runDue();
    alice.setCell("t", "mine", "c", 1L);
    q.send(new Message.Push(1, PayloadFormat.DELTA, Bytes.of(alice.fullState().encode())));
    scheduler.runDue();
    assertThat(q.received.stream().filter(Message.Poke.class::isInstance).count())
        .isEqualTo(qPokes);
    assertThat(p.received.stream().filter(Message.Poke.class::isInstance).count()).isEqualTo(2);
  }

  @Test
  void garbageCursorIsABadPayload() {
    RawPeer p = open();
    p.send(new Message.Pull(Bytes.of(new byte[] {0x09, 1})));
    scheduler.runDue();
    assertFatal(p, ErrorCode.BAD_PAYLOAD, "Pull.cursor");
  }

  @Test
  void jsonIsNegotiatedAndUsedAfterTheWelcome() {
    RawPeer p = connect();
    p.send(hello("todo", "good", List.of(Encoding.JSON, Encoding.BINARY)));
    scheduler.runDue();
    assertThat(p.last(Message.Welcome.class).encoding()).isEqualTo(Encoding.JSON);
    assertThat(p.codec).isInstanceOf(JsonCodec.class); // RawPeer switched on the Welcome
    assertThat(p.last(Message.Changes.class)).isNotNull(); // so the Changes was JSON
    p.send(new Message.Ping(3, 4));
    scheduler.runDue();
    assertThat(p.last(Message.Pong.class).nonce()).isEqualTo(3);
  }
}

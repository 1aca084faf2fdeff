package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Delta;
import io.syncline.core.Store;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.PayloadFormat;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.RequestResponseConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A {@link SyncHub} served through {@link RequestResponseConnection}s, the way an HTTP endpoint
 * serves it, on virtual time: each "request" is a {@code deliver} call.
 */
class RequestResponseSessionTest {
  private static final BinaryCodec CODEC = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
  /** Shorter than the hub's own idle limit (three 15 s heartbeats), so the connection's shows. */
  private static final long IDLE = 20_000;

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store server =
      Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
  private final Store alice =
      Store.builder().replicaId("alice").clock(new SchedulerClock(scheduler)).build();
  private SyncHub hub = SyncHub.builder(server, "todo", scheduler).epoch(42).build();

  /** Opens a session the way an HTTP adapter does on a request without a session header. */
  private RequestResponseConnection open(String id) {
    RequestResponseConnection c = new RequestResponseConnection(scheduler, id, IDLE);
    scheduler.schedule(() -> hub.accept(c), 0);
    return c;
  }

  private List<Message> request(RequestResponseConnection c, Message... messages) {
    CompletableFuture<List<byte[]>> answer =
        c.deliver(java.util.Arrays.stream(messages).map(CODEC::encode).toList());
    scheduler.advance(0);
    assertThat(answer).isDone();
    return answer.join().stream().map(CODEC::decode).toList();
  }

  private static Message.Hello hello(String replica) {
    return new Message.Hello(1, 1, "todo", replica, "", List.of(Encoding.BINARY), Bytes.EMPTY);
  }

  private Message.Push push(long id, Store from) {
    Delta d = from.deltaSince(VersionVector.EMPTY);
    return new Message.Push(id, PayloadFormat.DELTA, Bytes.of(d.encode()));
  }

  @Test
  void eachRequestIsAnsweredWithTheRepliesToItsFrames() {
    server.setCell("t", "r", "c", "from server");
    RequestResponseConnection c = open("s1");
    List<Message> first = request(c, hello("alice"));
    assertThat(first).hasSize(2);
    assertThat(first.get(0)).isInstanceOf(Message.Welcome.class);
    Message.Changes changes = (Message.Changes) first.get(1);
    alice.applyDelta(Delta.decode(changes.delta().toByteArray()));
    alice.setCell("t", "r2", "c", "from alice");
    List<Message> second = request(c, push(1, alice),
        new Message.Pull(changes.cursor()), new Message.Ping(7, 0));
    assertThat(second).extracting(Message::type).map(Enum::name)
        .containsExactly("ACK", "CHANGES", "PONG");
    assertThat(server.getTables()).isEqualTo(alice.getTables());
    assertThat(request(c)).isEmpty();
  }

  @Test
  void framesSentBetweenRequestsWaitForTheNextRequest() {
    RequestResponseConnection a = open("a");
    request(a, hello("alice"));
    RequestResponseConnection b = open("b");
    request(b, hello("bob"));
    Store bob = Store.builder().replicaId("bob").clock(new SchedulerClock(scheduler)).build();
    bob.setCell("t", "r", "c", "from bob");
    assertThat(request(b, push(1, bob))).extracting(Message::type).map(Enum::name)
        .containsExactly("ACK");
    scheduler.advance(10);
    List<Message> poll = request(a);
    assertThat(poll).hasSize(1);
    assertThat(poll.get(0)).isInstanceOf(Message.Poke.class);
    assertThat(request(a)).isEmpty();
  }

  @Test
  void requestArrivingBeforeTheHubAcceptedTheConnectionIsHeldUntilItDoes() {
    RequestResponseConnection c = new RequestResponseConnection(scheduler, "early", IDLE);
    CompletableFuture<List<byte[]>> answer = c.deliver(List.of(CODEC.encode(hello("alice"))));
    scheduler.advance(5);
    assertThat(answer).isNotDone();
    hub.accept(c);
    scheduler.advance(0);
    assertThat(answer.join()).hasSize(2);
    assertThat(CODEC.decode(answer.join().get(0))).isInstanceOf(Message.Welcome.class);
  }

  @Test
  void sessionThatStopsPollingExpiresAndLaterRequestsFail() {
    RequestResponseConnection c = open("s1");
    request(c, hello("alice"));
    scheduler.advance(IDLE - 1);
    assertThat(c.isOpen()).isTrue();
    request(c); // a poll keeps it alive
    scheduler.advance(IDLE - 1);
    assertThat(c.isOpen()).isTrue();
    assertThat(hub.sessionCount()).isEqualTo(1);
    scheduler.advance(2);
    assertThat(c.isOpen()).isFalse();
    assertThat(c.closed()).isCompletedWithValueMatching(r -> r.contains("No request"));
    assertThat(hub.sessionCount()).isZero();
    CompletableFuture<List<byte[]>> late = c.deliver(List.of());
    scheduler.advance(0);
    Assertions.assertThatThrownBy(late::join).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SyncException.class).hasMessageContaining("s1 is closed");
  }

  @Test
  void fatalErrorIsDeliveredOnceThenTheSessionIsGone() {
    RequestResponseConnection c = open("s1");
    List<Message> answer = request(c, new Message.Pull(Bytes.EMPTY));
    Message.Error e = (Message.Error) answer.get(0);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNEXPECTED_MESSAGE);
    assertThat(e.fatal()).isTrue();
    assertThat(c.isOpen()).isFalse();
    assertThat(hub.sessionCount()).isZero();
    CompletableFuture<List<byte[]>> late = c.deliver(List.of());
    scheduler.advance(0);
    assertThat(late).isCompletedExceptionally();
  }

  @Test
  void hubClosesASessionThatNeverSendsAHello() {
    RequestResponseConnection c = open("s1");
    for (int i = 0; i < 9; i++) {
      assertThat(request(c, new Message.Ping(i, 0))).hasSize(1); // Pongs, but no Hello
      scheduler.advance(1_000);
    }
    assertThat(hub.sessionCount()).isEqualTo(1);
    scheduler.advance(1_000);
    assertThat(hub.sessionCount()).isZero();
    assertThat(c.isOpen()).isFalse();
    // the first request after the close still collects the Error that ended the session
    List<Message> last = request(c, new Message.Ping(99, 0));
    assertThat(last).hasSize(1);
    Message.Error e = (Message.Error) last.get(0);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.message())
        .contains("No valid Hello within " + SyncHub.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
  }

  @Test
  void handshakeTimeoutIsConfigurableAndCanBeSwitchedOff() {
    hub = SyncHub.builder(server, "todo", scheduler).handshakeTimeoutMillis(500)
        .limits(new SessionLimits(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES, 16, 0)).build();
    RequestResponseConnection quick = open("quick");
    scheduler.advance(499);
    assertThat(hub.sessionCount()).isEqualTo(1);
    scheduler.advance(1);
    assertThat(hub.sessionCount()).isZero();
    hub = SyncHub.builder(server, "todo", scheduler).handshakeTimeoutMillis(0)
        .limits(new SessionLimits(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES, 16, 0)).build();
    RequestResponseConnection patient =
        new RequestResponseConnection(scheduler, "patient", Long.MAX_VALUE / 4);
    scheduler.schedule(() -> hub.accept(patient), 0);
    scheduler.advance(3_600_000);
    assertThat(hub.sessionCount()).isEqualTo(1);
    assertThat(quick.isOpen()).isFalse();
  }

  @Test
  void hubIdleTimeoutClosesSilentSessionsEvenWithoutAHeartbeat() {
    hub = SyncHub.builder(server, "todo", scheduler).idleTimeoutMillis(6_000)
        .limits(new SessionLimits(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES, 16, 0)).build();
    RequestResponseConnection c =
        new RequestResponseConnection(scheduler, "s1", Long.MAX_VALUE / 4);
    scheduler.schedule(() -> hub.accept(c), 0);
    request(c, hello("alice"));
    scheduler.advance(5_000);
    request(c, new Message.Ping(1, 0));
    scheduler.advance(5_000);
    assertThat(hub.sessionCount()).isEqualTo(1);
    scheduler.advance(3_000);
    assertThat(hub.sessionCount()).isZero();
    Message.Error e = (Message.Error) request(c).get(0);
    assertThat(e.errorCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.message()).contains("6000 ms");
  }
}

package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Delta;
import io.syncline.core.Store;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.FaultPlan;
import io.syncline.sync.transport.FaultyLink;
import io.syncline.sync.transport.InMemoryTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Behaviour the client module asked of the manager: pokes during a pull, the pending-count and
 * disconnect signals. All in virtual time, against a hand-driven server or a real hub.
 */
class PeerSyncFollowUpTest {
  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store server =
      Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
  private final Store alice =
      Store.builder().replicaId("alice").clock(new SchedulerClock(scheduler)).build();

  private SyncManager manager(RecordingListener listener) {
    return SyncManager.builder(alice, "todo", scheduler).listener(listener)
        .policy(new AdaptivePolicy(new Random(4))).build();
  }

  /** Starts a manager against a hand-driven server and answers the Hello with a Welcome. */
  private RawPeer rawSession(SyncManager m) {
    List<RawPeer> servers = RawPeer.serving(m, scheduler, CursorMode.SERVER);
    m.start();
    scheduler.advance(0);
    RawPeer s = servers.get(0);
    s.send(new Message.Welcome(1, Encoding.BINARY, "raw", SessionLimits.DEFAULT));
    scheduler.advance(0);
    return s;
  }

  private static Message.Changes changes(Bytes cursor) {
    return new Message.Changes(
        Bytes.of(Delta.of("raw", VersionVector.EMPTY, List.of()).encode()), cursor, false);
  }

  private static long pulls(RawPeer s) {
    return s.received.stream().filter(x -> x instanceof Message.Pull).count();
  }

  @Test
  void pokeArrivingWhileAPullIsOutstandingIsFollowedByAPullAsSoonAsTheAnswerArrives() {
    RawPeer s = rawSession(manager(new RecordingListener()));
    // The Hello's cursor is being answered (a pull is outstanding) when the Poke overtakes it.
    s.send(new Message.Poke(Cursors.sequence(42, 7)));
    scheduler.advance(0);
    assertThat(pulls(s)).isZero();
    s.send(changes(Cursors.sequence(42, 5)));
    scheduler.advance(0);
    assertThat(pulls(s)).isEqualTo(1);
    assertThat(s.last(Message.Pull.class).cursor()).isEqualTo(Cursors.sequence(42, 5));
  }

  @Test
  void pokeAlreadyCoveredByTheOutstandingPullsAnswerCausesNoExtraPull() {
    RawPeer s = rawSession(manager(new RecordingListener()));
    s.send(new Message.Poke(Cursors.sequence(42, 7)));
    s.send(changes(Cursors.sequence(42, 7)));
    scheduler.advance(0);
    scheduler.advance(50);
    assertThat(pulls(s)).isZero(); // the next pull waits for the policy's interval
    scheduler.advance(1_000);
    assertThat(pulls(s)).isPositive();
  }

  @Test
  void pokeOnAVersionVectorPeerDuringAPullIsNeverDropped() {
    SyncManager m = manager(new RecordingListener());
    List<RawPeer> servers = RawPeer.serving(m, scheduler, CursorMode.VERSION_VECTOR);
    m.start();
    scheduler.advance(0);
    RawPeer s = servers.get(0);
    s.send(new Message.Welcome(1, Encoding.BINARY, "raw", SessionLimits.DEFAULT));
    s.send(new Message.Poke(Cursors.sequence(42, 7)));
    s.send(changes(Cursors.versionVector(VersionVector.EMPTY)));
    scheduler.advance(0);
    assertThat(pulls(s)).isEqualTo(1);
  }

  @Test
  void pendingCountIsReportedOnWritesAndFallsToZeroOnAck() {
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(listener);
    m.addPeer("hub", () -> {
      InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
      hub.accept(pair.right());
      return pair.left();
    }, CursorMode.SERVER);
    m.start();
    scheduler.advance(500);
    assertThat(listener.pending).isEmpty();
    alice.setCell("t", "r1", "c", 1L);
    alice.setCell("t", "r2", "c", 2L);
    scheduler.advance(0);
    assertThat(listener.pending).containsExactly(2);
    scheduler.advance(1_000);
    assertThat(listener.pending).containsExactly(2, 0);
    assertThat(m.channels().pendingCount("hub")).isZero();
    assertThat(server.getTables()).isEqualTo(alice.getTables());
  }

  @Test
  void pendingCountKeepsUnacknowledgedChangesAcrossADisconnect() {
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    List<FaultyLink> links = new ArrayList<>();
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(listener);
    m.addPeer("hub", () -> {
      FaultyLink link = FaultyLink.create(scheduler, new Random(1), FaultPlan.NONE, "l");
      links.add(link);
      hub.accept(link.right());
      return link.left();
    }, CursorMode.SERVER);
    m.start();
    scheduler.advance(500);
    links.get(0).plan(new FaultPlan(1, 0, 0, 0, 0)); // everything is lost from now on
    alice.setCell("t", "r1", "c", 1L);
    scheduler.advance(300); // the push leaves, and is lost
    links.get(0).cut();
    scheduler.advance(1);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.OFFLINE);
    assertThat(m.channels().pendingCount("hub")).isEqualTo(1);
    assertThat(listener.pending).containsExactly(1);
    scheduler.advance(60_000);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
    assertThat(listener.pending).last().isEqualTo(0);
    assertThat(server.getTables()).isEqualTo(alice.getTables());
  }

  @Test
  void disconnectReportsTheCloseReasonWithoutAnErrorCode() {
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(listener);
    m.addPeer("hub", () -> {
      InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
      hub.accept(pair.right());
      return pair.left();
    }, CursorMode.SERVER);
    m.start();
    scheduler.advance(500);
    hub.close();
    scheduler.advance(1);
    assertThat(listener.disconnects).containsExactly("The hub is shutting down.");
    assertThat(listener.disconnectCodes).containsOnlyNulls();
    assertThat(listener.events).containsSubsequence("ONLINE", "disconnected", "OFFLINE");
  }

  @Test
  void disconnectReportsTheProtocolErrorThatEndedTheSession() {
    RecordingListener listener = new RecordingListener();
    RawPeer s = rawSession(manager(listener));
    s.send(new Message.Error(ErrorCode.FORBIDDEN, "no access to todo", true));
    scheduler.advance(1);
    assertThat(listener.disconnects).containsExactly("no access to todo");
    assertThat(listener.disconnectCodes).containsExactly(ErrorCode.FORBIDDEN);
  }

  @Test
  void failedConnectionAttemptIsReportedAsADisconnect() {
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(listener);
    m.addPeer("down", () -> {
      throw new SyncException("Connection refused.");
    }, CursorMode.SERVER);
    m.start();
    assertThat(listener.disconnects).containsExactly("Could not connect: Connection refused.");
    assertThat(listener.disconnectCodes).containsOnlyNulls();
    m.close();
    assertThat(listener.disconnects).hasSize(1);
  }

  @Test
  void removingAPeerIsNotReportedAsADisconnect() {
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(listener);
    rawSession(m);
    m.removePeer("raw");
    scheduler.advance(10);
    assertThat(listener.disconnects).isEmpty();
    assertThat(listener.events).last().isEqualTo("CLOSED");
  }
}

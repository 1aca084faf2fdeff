package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.FaultPlan;
import io.syncline.sync.transport.FaultyLink;
import io.syncline.sync.transport.InMemoryTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyncManagerBehaviourTest {
  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store server =
      Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
  private final Store alice =
      Store.builder().replicaId("alice").clock(new SchedulerClock(scheduler)).build();

  private SyncManager manager(Store store, RecordingListener listener) {
    return SyncManager.builder(store, "todo", scheduler).listener(listener)
        .policy(new AdaptivePolicy(new Random(4))).build();
  }

  @Test
  void writesMadeOfflineAreSentWhenTheConnectionReturns() {
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    List<FaultyLink> links = new ArrayList<>();
    boolean[] reachable = {true};
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(alice, listener);
    m.addPeer("hub", () -> {
      if (!reachable[0]) {
        throw new SyncException("Network is unreachable.");
      }
      FaultyLink link = FaultyLink.create(scheduler, new Random(1), FaultPlan.NONE, "l");
      links.add(link);
      hub.accept(link.right());
      return link.left();
    }, CursorMode.SERVER);
    m.start();
    scheduler.advance(500);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
    reachable[0] = false;
    links.get(0).cut();
    for (int i = 0; i < 20; i++) {
      alice.setCell("offline", "r" + i, "c", (long) i);
    }
    scheduler.advance(10_000);
    assertThat(m.channels().status("hub")).isNotEqualTo(PeerStatus.ONLINE);
    assertThat(server.getTable("offline")).isEmpty();
    assertThat(listener.errors).anyMatch(e -> e.contains("unreachable"));
    reachable[0] = true;
    scheduler.advance(120_000);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
    assertThat(server.getTables()).isEqualTo(alice.getTables());
    assertThat(listener.statuses).contains(PeerStatus.OFFLINE, PeerStatus.CONNECTING);
  }

  @Test
  void refusedPushesAreReported() {
    Store skewed = Store.builder().replicaId("skewed")
        .clock(Clock.offset(new SchedulerClock(scheduler), Duration.ofHours(2))).build();
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(skewed, listener);
    m.addPeer("hub", () -> {
      InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
      hub.accept(pair.right());
      return pair.left();
    }, CursorMode.SERVER);
    m.start();
    scheduler.advance(500);
    skewed.setCell("t", "r", "c", "from the future");
    scheduler.advance(2_000);
    assertThat(listener.refusals).contains(ErrorCode.REFUSED_CLOCK_SKEW);
    assertThat(listener.refused).isNotEmpty();
    assertThat(server.getTable("t")).isEmpty();
    assertThat(m.channels().pendingCount("hub")).isZero();
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
  }

  @Test
  void malformedFrameFromTheServerIsAnsweredWithAFatalErrorAndAReconnect() {
    RecordingListener listener = new RecordingListener();
    SyncManager m = manager(alice, listener);
    List<RawPeer> servers = RawPeer.serving(m, scheduler, CursorMode.SERVER);
    m.start();
    scheduler.advance(10);
    RawPeer s = servers.get(0);
    assertThat(s.received.get(0)).isInstanceOf(Message.Hello.class);
    s.send(new Message.Welcome(1, Encoding.BINARY, "raw", SessionLimits.DEFAULT));
    s.sendRaw(new byte[] {0x07, 0x02, 0x00, 0x05}); // Changes whose cursor claims 5 bytes
    scheduler.advance(10);
    Message.Error e = s.last(Message.Error.class);
    assertThat(e.fatal()).isTrue();
    assertThat(e.errorCode()).isEqualTo(ErrorCode.TRUNCATED);
    assertThat(e.message()).contains("Changes.cursor");
    assertThat(s.closed).isNotNull();
    scheduler.advance(5_000);
    assertThat(servers).hasSizeGreaterThan(1);
    assertThat(listener.errors).anyMatch(x -> x.contains("TRUNCATED"));
  }

  @Test
  void welcomeOutsideTheOfferIsRejected() {
    SyncManager m = manager(alice, new RecordingListener());
    List<RawPeer> servers = RawPeer.serving(m, scheduler, CursorMode.SERVER);
    m.start();
    scheduler.advance(10);
    RawPeer s = servers.get(0);
    s.send(new Message.Welcome(1, Encoding.JSON, "raw", SessionLimits.DEFAULT));
    scheduler.advance(10);
    assertThat(s.last(Message.Error.class).errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
  }

  @Test
  void silentServerIsGivenUpOnAndRetried() {
    SyncManager m = manager(alice, new RecordingListener());
    List<RawPeer> servers = RawPeer.serving(m, scheduler, CursorMode.SERVER);
    m.start();
    scheduler.advance(30_000);
    assertThat(servers).hasSizeGreaterThan(2);
    assertThat(servers.get(0).closed).isNotNull();
    assertThat(servers.get(0).received).allMatch(x -> x instanceof Message.Hello);
    assertThat(((Message.Hello) servers.get(0).received.get(0)).cursor()).isEqualTo(Bytes.EMPTY);
  }
}

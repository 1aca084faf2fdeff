package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import io.syncline.sync.protocol.BinaryProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Managers syncing through a hub over the HTTP exchange of {@code docs/protocol.md} section 14
 * ({@link FakeHttpEndpoint} in front of {@link io.syncline.sync.transport.RequestResponseConnection}s),
 * on virtual time. A failure prints its seed; {@code -Dsyncline.seed=N} replays it.
 */
class RequestResponseConvergenceTest {
  private static final long LATENCY = 5;
  private static final long POLL = 1_000;

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final Store server =
      Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
  private final SyncHub hub = SyncHub.builder(server, "doc", scheduler).epoch(7).build();
  private final FakeHttpEndpoint endpoint =
      new FakeHttpEndpoint(scheduler, hub, BinaryProtocol.DEFAULT_MAX_FRAME_BYTES, 45_000);
  private final List<FakeHttpEndpoint.PollingClient> connections = new ArrayList<>();

  private SyncManager client(Store store, long seed) {
    SyncManager m = SyncManager.builder(store, "doc", scheduler)
        .policy(new AdaptivePolicy(new Random(seed), 100, 5_000, 2_000, 100, 3_000)).build();
    m.addPeer("hub", () -> {
      FakeHttpEndpoint.PollingClient c =
          new FakeHttpEndpoint.PollingClient(scheduler, endpoint, LATENCY, POLL);
      connections.add(c);
      return c;
    }, CursorMode.SERVER);
    m.start();
    return m;
  }

  private Store store(String id) {
    return Store.builder().replicaId(id).clock(new SchedulerClock(scheduler)).build();
  }

  @Test
  void writeReachesAnotherClientWithinAboutOnePollInterval() {
    Store a = store("a");
    Store b = store("b");
    client(a, 1);
    client(b, 2);
    scheduler.advance(10_000); // both idle: pulls have backed off
    a.setCell("t", "r", "c", "hello");
    long start = scheduler.nowMillis();
    while (!b.getTables().equals(a.getTables()) && scheduler.nowMillis() - start < 30_000) {
      scheduler.advance(10);
    }
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(scheduler.nowMillis() - start).isLessThanOrEqualTo(POLL + 200);
  }

  /** Random edits while 2% of responses are lost and the server is down past the idle limit. */
  @Test
  void randomEditsConvergeOverRequestsAndPolls() {
    Long fixed = Long.getLong("syncline.seed");
    List<Long> seeds = fixed != null ? List.of(fixed) : List.of(1L, 2L, 3L, System.nanoTime());
    for (long seed : seeds) {
      try {
        new RequestResponseConvergenceTest().converge(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("Convergence failed; replay with -Dsyncline.seed=" + seed, e);
      }
    }
  }

  private void converge(long seed) {
    Random random = new Random(seed);
    endpoint.random = new Random(random.nextLong());
    endpoint.responseLoss = 0.02;
    List<Store> stores = new ArrayList<>(List.of(server));
    for (int i = 0; i < 3; i++) {
      Store s = store("client-" + i);
      stores.add(s);
      client(s, random.nextLong());
    }
    for (int step = 0; step < 400; step++) {
      scheduler.advance(random.nextInt(50));
      Store s = stores.get(random.nextInt(stores.size()));
      String row = "r" + random.nextInt(8);
      if (random.nextInt(8) == 0) {
        s.delRow("t", row);
      } else {
        s.setCell("t", row, "c" + random.nextInt(3), random.nextLong());
      }
      if (step == 200) {
        endpoint.down = true; // an outage longer than the sessions' idle limit
      }
      if (step == 300) {
        scheduler.advance(60_000);
        assertThat(endpoint.sessionCount()).isZero();
        endpoint.down = false;
      }
    }
    endpoint.responseLoss = 0;
    scheduler.advance(30_000);
    for (Store s : stores) {
      assertThat(s.getTables()).as(s + " vs the server").isEqualTo(server.getTables());
    }
    // sessions abandoned after a lost response linger until the idle limit, then go
    scheduler.advance(60_000);
    assertThat(endpoint.sessionCount()).isEqualTo(3);
    assertThat(hub.sessionCount()).isEqualTo(3);
  }

  @Test
  void sessionForgottenByTheServerIsReopenedWithANewHello() {
    Store a = store("a");
    SyncManager m = client(a, 3);
    scheduler.advance(1_000);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
    endpoint.down = true;
    scheduler.advance(100_000);
    assertThat(endpoint.sessionCount()).isZero();
    assertThat(hub.sessionCount()).isZero();
    a.setCell("t", "r", "c", "written while the server was unreachable");
    endpoint.down = false;
    scheduler.advance(30_000);
    assertThat(m.channels().status("hub")).isEqualTo(PeerStatus.ONLINE);
    assertThat(server.getTables()).isEqualTo(a.getTables());
    assertThat(connections).hasSizeGreaterThan(1);
  }
}

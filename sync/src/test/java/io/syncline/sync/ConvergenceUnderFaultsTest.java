package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import io.syncline.sync.transport.FaultPlan;
import io.syncline.sync.transport.FaultyLink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * N in-process replicas, peer to peer and through one hub, make random edits while their links
 * drop, duplicate, reorder and delay frames and get cut; then the network heals and every store
 * must be equal. Everything runs on virtual time, so a seed replays a run exactly: a failure
 * prints its seed, and {@code -Dsyncline.seed=N} runs only that seed.
 */
class ConvergenceUnderFaultsTest {
  private static final FaultPlan LOSSY = new FaultPlan(0.15, 0.15, 0, 80, 0.004);
  private static final long EDIT_MILLIS = 20_000;
  private static final long HEAL_MILLIS = 60_000;

  private static List<Long> seeds() {
    Long fixed = Long.getLong("syncline.seed");
    if (fixed != null) {
      return List.of(fixed);
    }
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= 10; s++) {
      seeds.add(s);
    }
    seeds.add(System.nanoTime());
    return seeds;
  }

  @Test
  void replicasConvergePeerToPeer() {
    for (long seed : seeds()) {
      replay(seed, () -> new Simulation(seed).peerToPeer().run());
    }
  }

  @Test
  void replicasConvergeThroughOneHub() {
    for (long seed : seeds()) {
      replay(seed, () -> new Simulation(seed).throughHub().run());
    }
  }

  @Test
  void replicasConvergeThroughAHubAndDirectlyAtOnce() {
    for (long seed : seeds()) {
      replay(seed, () -> new Simulation(seed).mixed().run());
    }
  }

  private static void replay(long seed, Runnable run) {
    try {
      run.run();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("Convergence failed; replay with -Dsyncline.seed=" + seed, e);
    }
  }

  /** One seeded run. */
  private static final class Simulation {
    final long seed;
    final Random random;
    final VirtualScheduler scheduler = new VirtualScheduler();
    final List<Store> stores = new ArrayList<>();
    final List<SyncManager> managers = new ArrayList<>();
    final List<SyncHub> hubs = new ArrayList<>();
    final List<FaultyLink> links = new ArrayList<>();
    FaultPlan plan = LOSSY;

    Simulation(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
    }

    private Store newStore(String id) {
      Store s = Store.builder().replicaId(id).clock(new SchedulerClock(scheduler)).build();
      stores.add(s);
      return s;
    }

    private SyncManager newManager(Store store) {
      SyncManager m = SyncManager.builder(store, "doc", scheduler)
          .policy(new AdaptivePolicy(new Random(random.nextLong()), 100, 5_000, 2_000, 100, 3_000))
          .build();
      managers.add(m);
      return m;
    }

    private Connector lossyTo(SyncHub hub, String name) {
      return () -> {
        FaultyLink link = FaultyLink.create(scheduler, new Random(random.nextLong()), plan, name);
        links.add(link);
        hub.accept(link.right());
        return link.left();
      };
    }

    Simulation peerToPeer() {
      int n = 3 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        Store s = newStore("peer-" + i);
        hubs.add(SyncHub.builder(s, "doc", scheduler).epoch(i).build());
      }
      for (int i = 0; i < n; i++) {
        SyncManager m = newManager(stores.get(i));
        for (int j = 0; j < n; j++) {
          if (j != i) {
            m.addPeer("peer-" + j, lossyTo(hubs.get(j), i + "->" + j), CursorMode.VERSION_VECTOR);
          }
        }
      }
      return this;
    }

    Simulation throughHub() {
      Store server = newStore("server");
      SyncHub hub = SyncHub.builder(server, "doc", scheduler).epoch(seed).historySize(64).build();
      hubs.add(hub);
      int n = 3 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        SyncManager m = newManager(newStore("client-" + i));
        m.addPeer("hub", lossyTo(hub, "client-" + i), CursorMode.SERVER);
      }
      return this;
    }

    /** Clients of one hub that also sync peer to peer in a ring, each serving its own store. */
    Simulation mixed() {
      Store server = newStore("server");
      SyncHub hub = SyncHub.builder(server, "doc", scheduler).epoch(seed).historySize(16).build();
      hubs.add(hub);
      int n = 3 + random.nextInt(3);
      List<SyncHub> own = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Store s = newStore("client-" + i);
        own.add(SyncHub.builder(s, "doc", scheduler).epoch(100 + i).build());
      }
      hubs.addAll(own);
      for (int i = 0; i < n; i++) {
        SyncManager m = newManager(stores.get(i + 1));
        m.addPeer("hub", lossyTo(hub, "client-" + i), CursorMode.SERVER);
        int next = (i + 1) % n;
        m.addPeer("client-" + next, lossyTo(own.get(next), i + "->" + next),
            CursorMode.VERSION_VECTOR);
      }
      return this;
    }

    void run() {
      managers.forEach(SyncManager::start);
      long end = scheduler.nowMillis() + EDIT_MILLIS;
      int edits = 0;
      while (scheduler.nowMillis() < end) {
        scheduler.advance(random.nextInt(40));
        edit(stores.get(random.nextInt(stores.size())));
        edits++;
        if (random.nextInt(500) == 0 && !links.isEmpty()) {
          links.get(random.nextInt(links.size())).cut();
        }
      }
      plan = FaultPlan.NONE;
      links.forEach(l -> l.plan(FaultPlan.NONE));
      scheduler.advance(HEAL_MILLIS);
      Store first = stores.get(0);
      for (Store s : stores) {
        assertThat(s.getTables()).as(s + " tables vs " + first + " after " + edits + " edits")
            .isEqualTo(first.getTables());
        assertThat(s.getValues()).as(s + " values vs " + first).isEqualTo(first.getValues());
      }
      assertThat(first.getTables()).isNotEmpty();
      if (Boolean.getBoolean("syncline.verbose")) {
        System.out.println("seed " + seed + ": " + edits + " edits, " + stores.size()
            + " stores, " + first.getTables().values().stream().mapToInt(Map::size).sum()
            + " rows, " + links.size() + " connections, frames sent "
            + links.stream().mapToLong(FaultyLink::sent).sum() + ", dropped "
            + links.stream().mapToLong(FaultyLink::dropped).sum() + ", duplicated "
            + links.stream().mapToLong(FaultyLink::duplicated).sum());
      }
      managers.forEach(SyncManager::close);
      hubs.forEach(SyncHub::close);
    }

    private void edit(Store s) {
      String table = "t" + random.nextInt(3);
      String row = "r" + random.nextInt(6);
      String cell = "c" + random.nextInt(4);
      switch (random.nextInt(10)) {
        case 0 -> s.delCell(table, row, cell);
        case 1 -> s.delRow(table, row);
        case 2 -> s.setValue("v" + random.nextInt(3), value());
        case 3 -> s.delValue("v" + random.nextInt(3));
        case 4 -> s.transaction(tx -> {
          for (int i = 0; i < 1 + random.nextInt(5); i++) {
            tx.setCell(table, "r" + random.nextInt(6), "c" + random.nextInt(4), value());
          }
        });
        case 5 -> {
          Map<String, Object> cells = new LinkedHashMap<>();
          cells.put("c0", value());
          cells.put("c1", value());
          s.setRow(table, row, cells);
        }
        default -> s.setCell(table, row, cell, value());
      }
    }

    private Object value() {
      return switch (random.nextInt(4)) {
        case 0 -> (long) random.nextInt(1000);
        case 1 -> "s" + random.nextInt(1000);
        case 2 -> random.nextInt(100) / 4.0;
        default -> random.nextBoolean();
      };
    }
  }
}

package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Merge is commutative, associative and idempotent: however changes are ordered, duplicated,
 * batched or routed, every replica ends with the same state.
 */
class ConvergenceProperties {
  private static final String[] TABLES = {"t", "u"};
  private static final String[] ROWS = {"r0", "r1", "r2"};
  private static final String[] CELLS = {"c0", "c1", "c2"};

  private static List<Store> replicas(int n, FakeClock clock) {
    List<Store> stores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      stores.add(Store.builder().replicaId("replica" + i).clock(clock).build());
    }
    return stores;
  }

  private static Object randomValue(Random r) {
    switch (r.nextInt(5)) {
      case 0:
        return "s" + r.nextInt(3);
      case 1:
        return (long) r.nextInt(3);
      case 2:
        return r.nextInt(3) / 2.0;
      case 3:
        return r.nextBoolean();
      default:
        return java.util.Map.of("k", r.nextInt(2));
    }
  }

  private static void randomOp(Store s, Random r) {
    String t = TABLES[r.nextInt(TABLES.length)];
    String row = ROWS[r.nextInt(ROWS.length)];
    String c = CELLS[r.nextInt(CELLS.length)];
    switch (r.nextInt(8)) {
      case 0:
        s.delCell(t, row, c);
        break;
      case 1:
        s.delRow(t, row);
        break;
      case 2:
        s.setValue("v" + r.nextInt(2), randomValue(r));
        break;
      case 3:
        s.delValue("v" + r.nextInt(2));
        break;
      case 4:
        s.transaction(tx -> {
          tx.setCell(t, row, c, randomValue(r));
          tx.setCell(t, ROWS[r.nextInt(ROWS.length)], c, randomValue(r));
        });
        break;
      default:
        s.setCell(t, row, c, randomValue(r));
    }
  }

  private static void assertAllEqual(List<Store> stores) {
    for (Store s : stores) {
      assertThat(s.getTables()).as(s.replicaId()).isEqualTo(stores.get(0).getTables());
      assertThat(s.getValues()).as(s.replicaId()).isEqualTo(stores.get(0).getValues());
    }
  }

  @Property(tries = 150)
  void changesetsInAnyOrderDuplicatedAndBatchedConverge(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int n) {
    Random r = new Random(seed);
    FakeClock clock = new FakeClock(1_000_000);
    List<Store> stores = replicas(n, clock);
    List<Changeset> all = new ArrayList<>();
    for (Store s : stores) {
      s.addChangesetListener((cs, origin) -> {
        if (origin == Origin.LOCAL) {
          all.add(cs);
        }
      });
    }
    for (int i = 0; i < 60; i++) {
      randomOp(stores.get(r.nextInt(n)), r);
      if (r.nextInt(3) == 0) {
        clock.advance(r.nextInt(2));
      }
    }
    for (Store s : stores) {
      List<Changeset> mine = new ArrayList<>(all);
      for (int d = r.nextInt(10); d > 0; d--) {
        mine.add(mine.get(r.nextInt(mine.size())));
      }
      Collections.shuffle(mine, r);
      int i = 0;
      while (i < mine.size()) {
        int batch = 1 + r.nextInt(5);
        List<Changeset> part = mine.subList(i, Math.min(mine.size(), i + batch));
        if (r.nextBoolean()) {
          s.applyDelta(Delta.decode(Delta.of("relay", VersionVector.EMPTY, ChangeLog.collapse(part)).encode()));
        } else {
          for (Changeset cs : part) {
            s.applyChangeset(Changeset.decode(cs.encode()));
          }
        }
        i += batch;
      }
    }
    assertAllEqual(stores);
  }

  @Property(tries = 150)
  void pairwiseDeltaSyncInRandomOrderConvergesAndLeavesEmptyDeltas(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 5) int n) {
    Random r = new Random(seed);
    FakeClock clock = new FakeClock(5_000_000);
    List<Store> stores = replicas(n, clock);
    for (int i = 0; i < 80; i++) {
      randomOp(stores.get(r.nextInt(n)), r);
      clock.advance(r.nextInt(2));
      if (r.nextInt(6) == 0) {
        Store a = stores.get(r.nextInt(n));
        Store b = stores.get(r.nextInt(n));
        b.applyDelta(Delta.decode(a.deltaSince(b.versionVector()).encode()));
      }
    }
    // gossip to a fixed point along a ring, twice around
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < n; i++) {
        Store a = stores.get(i);
        Store b = stores.get((i + 1) % n);
        b.applyDelta(a.deltaSince(b.versionVector()));
      }
    }
    assertAllEqual(stores);
    for (Store a : stores) {
      for (Store b : stores) {
        assertThat(a.deltaSince(b.versionVector()).isEmpty()).as(a.replicaId() + " -> " + b.replicaId()).isTrue();
      }
    }
  }
}

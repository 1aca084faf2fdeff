package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeTest {
  private static void sync(Store a, Store b) {
    b.applyDelta(Delta.decode(a.deltaSince(b.versionVector()).encode()));
    a.applyDelta(Delta.decode(b.deltaSince(a.versionVector()).encode()));
  }

  @Test
  void theTinyBaseGuideScenarioConverges() {
    Store store1 = Store.builder().replicaId("1").build();
    Store store2 = Store.builder().replicaId("2").build();
    store1.setTables(Map.of("pets", Map.of("fido", Map.of("species", "dog"))));
    sync(store1, store2);
    assertThat(store2.getTables()).isEqualTo(Map.of("pets", Map.of("fido", Map.of("species", "dog"))));

    store2.setValue("open", true);
    sync(store1, store2);
    assertThat(store1.getValues()).isEqualTo(Map.of("open", true));

    store1.setCell("pets", "fido", "color", "brown");
    store2.setCell("pets", "fido", "legs", 4);
    sync(store1, store2);
    Map<String, Object> fido = Map.of("species", "dog", "color", "brown", "legs", 4L);
    assertThat(store1.getRow("pets", "fido")).isEqualTo(fido);
    assertThat(store2.getRow("pets", "fido")).isEqualTo(fido);
    assertThat(store1.deltaSince(store2.versionVector()).isEmpty()).isTrue();
    assertThat(store2.deltaSince(store1.versionVector()).isEmpty()).isTrue();
  }

  @Test
  void concurrentWritesWithEqualTimeAndCounterGoToTheHigherClientId() {
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    Store one = Store.builder().replicaId("1").clock(clock).build();
    Store two = Store.builder().replicaId("2").clock(clock).build();
    assertThat(Stamp.clientIdOf("2")).isGreaterThan(Stamp.clientIdOf("1"));
    one.setCell("pets", "fido", "color", "black");
    two.setCell("pets", "fido", "color", "white");
    sync(one, two);
    assertThat(one.getCell("pets", "fido", "color")).isEqualTo("white");
    assertThat(two.getCell("pets", "fido", "color")).isEqualTo("white");
  }

  @Test
  void theLaterWriteWinsRegardlessOfOrder() {
    FakeClock clock = new FakeClock(1_000_000);
    Store a = Store.builder().replicaId("a").clock(clock).build();
    Store b = Store.builder().replicaId("b").clock(clock).build();
    b.setCell("t", "r", "c", "first");
    clock.advance(10);
    a.setCell("t", "r", "c", "second");
    sync(a, b);
    assertThat(b.getCell("t", "r", "c")).isEqualTo("second");
    assertThat(a.getCell("t", "r", "c")).isEqualTo("second");
  }

  @Test
  void aDeleteAndAConcurrentWriteResolveByStamp() {
    FakeClock clock = new FakeClock(1_000_000);
    Store a = Store.builder().replicaId("a").clock(clock).build();
    Store b = Store.builder().replicaId("b").clock(clock).build();
    a.setRow("t", "r", Map.of("x", 1, "y", 2));
    sync(a, b);
    clock.advance(5);
    b.setCell("t", "r", "x", 10);
    clock.advance(5);
    a.delRow("t", "r");
    sync(a, b);
    assertThat(a.getTables()).isEmpty();
    assertThat(b.getTables()).isEmpty();
  }

  @Test
  void theLocalClockMovesPastReceivedStampsSoLocalWritesWinAfterward() {
    FakeClock slow = new FakeClock(1_000);
    FakeClock fast = new FakeClock(60_000);
    Store a = Store.builder().replicaId("a").clock(slow).build();
    Store b = Store.builder().replicaId("b").clock(fast).build();
    b.setCell("t", "r", "c", "from b");
    a.applyDelta(b.fullState());
    a.setCell("t", "r", "c", "from a, later");
    sync(a, b);
    assertThat(b.getCell("t", "r", "c")).isEqualTo("from a, later");
  }

  @Test
  void aStampTooFarInTheFutureRefusesTheWholeDelta() {
    FakeClock now = new FakeClock(1_000_000_000L);
    FakeClock future = new FakeClock(1_000_000_000L + Duration.ofHours(1).toMillis());
    Store local = Store.builder().replicaId("l").clock(now).maxClockSkew(Duration.ofMinutes(5)).build();
    Store remote = Store.builder().replicaId("r").clock(future).build();
    local.setCell("t", "keep", "c", 1);
    remote.setCell("t", "a", "c", 1);
    remote.setCell("t", "b", "c", 2);
    Delta delta = remote.fullState();
    assertThatThrownBy(() -> local.applyDelta(delta)).isInstanceOf(ClockSkewException.class)
        .hasMessageContaining("ahead of the local clock").hasMessageContaining("Nothing was applied");
    assertThat(local.getTables()).isEqualTo(Map.of("t", Map.of("keep", Map.of("c", 1L))));
    Changeset cs = new Changeset("r", 1, null, null, delta.changes());
    assertThatThrownBy(() -> local.applyChangeset(cs)).isInstanceOf(ClockSkewException.class);
    assertThat(local.rowIds("t")).containsExactly("keep");
  }

  @Test
  void restoringOwnStorageSkipsTheSkewCheckButStillMovesTheClock() {
    FakeClock clock = new FakeClock(10_000_000L);
    Store saved = Store.builder().replicaId("dev").clock(clock).build();
    saved.setCell("t", "r", "c", "before the clock was set back");
    clock.set(10_000_000L - Duration.ofHours(2).toMillis());
    Store reloaded = Store.builder().replicaId("dev").clock(clock).build();
    assertThatThrownBy(() -> reloaded.applyDelta(saved.fullState())).isInstanceOf(ClockSkewException.class);
    reloaded.restore(saved.fullState());
    assertThat(reloaded.getCell("t", "r", "c")).isEqualTo("before the clock was set back");
    reloaded.setCell("t", "r", "c", "after");
    Store other = Store.builder().replicaId("x").clock(new FakeClock(10_000_000L)).build();
    other.applyDelta(saved.fullState());
    other.applyDelta(reloaded.fullState());
    assertThat(other.getCell("t", "r", "c")).isEqualTo("after");
  }

  @Test
  void writesAfterABulkLoadGiveDeltasOfOnlyThoseWrites() {
    Store a = Store.builder().replicaId("a").build();
    for (int r = 0; r < 3_000; r++) {
      a.setRow("t", "r" + r, java.util.Map.of("x", r, "y", "v" + r));
    }
    Store b = Store.builder().replicaId("b").build();
    b.applyDelta(Delta.decode(a.fullState().encode())); // bulk load: one reserved index block
    VersionVector loaded = b.versionVector();
    b.setCell("t", "r7", "x", -1);
    b.setCell("t", "new", "x", 1);
    Delta d = b.deltaSince(loaded);
    assertThat(d.size()).isEqualTo(2);
    a.applyDelta(d);
    b.applyDelta(a.deltaSince(b.versionVector()));
    assertThat(a.getTables()).isEqualTo(b.getTables());
  }

  @Test
  void changesetsMergeIdempotently() {
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    java.util.List<Changeset> sent = new java.util.ArrayList<>();
    a.addChangesetListener((cs, o) -> sent.add(cs));
    a.setCell("t", "r", "c", 1);
    a.setCell("t", "r", "d", "x");
    a.delCell("t", "r", "c");
    for (int round = 0; round < 2; round++) {
      for (int i = sent.size() - 1; i >= 0; i--) {
        b.applyChangeset(Changeset.decode(sent.get(i).encode()));
      }
    }
    assertThat(b.getTables()).isEqualTo(a.getTables());
  }

  @Test
  void deltaAfterManyOverwritesHoldsOnlyTheLatestCells() {
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    for (int r = 0; r < 5_000; r++) {
      a.setCell("t", "r" + r, "c", r);
    }
    sync(a, b);
    VersionVector vv = b.versionVector();
    for (int i = 1; i <= 20_000; i++) {
      a.setCell("t", "r0", "c", i); // forces index compaction several times
    }
    a.setCell("t", "r1", "c", "x");
    Delta d = a.deltaSince(vv);
    assertThat(d.size()).isEqualTo(2);
    b.applyDelta(d);
    assertThat(b.getTables()).isEqualTo(a.getTables());
  }

  @Test
  void aTransactionSpanningIndexBlocksAndTablesReachesEveryDelta() {
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    a.transaction(tx -> {
      for (int r = 0; r < 20_000; r++) {
        tx.setCell("t", "r" + r, "c", 0);
      }
    });
    sync(a, b);
    VersionVector before = b.versionVector();
    a.transaction(tx -> { // more cells than a change-index block, few enough that a delta reads the index
      for (int r = 0; r < 5_000; r++) {
        tx.setCell("t", "r" + r, "c", r + 1);
      }
      for (int r = 0; r < 100; r++) {
        tx.setCell("u", "r" + r, "c", "v" + r);
      }
      tx.setValue("v", true);
    });
    Delta d = a.deltaSince(before);
    assertThat(d.size()).isEqualTo(5_101);
    b.applyDelta(Delta.decode(d.encode()));
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.getValues()).isEqualTo(a.getValues());
  }

  @Test
  void aRolledBackTransactionLeavesDeltasExactAndTheNextCommitReachesThem() {
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    a.setCell("t", "r", "c", "kept");
    sync(a, b);
    VersionVector before = b.versionVector();
    assertThatThrownBy(() -> a.transaction((java.util.function.Consumer<Transaction>) tx -> {
      for (int r = 0; r < 5_000; r++) {
        tx.setCell("t", "r" + r, "c", "lost");
      }
      throw new IllegalStateException("abort");
    })).hasMessage("abort");
    assertThat(a.deltaSince(before).isEmpty()).isTrue();
    a.setCell("t", "r2", "c", "next");
    Delta d = a.deltaSince(before);
    assertThat(d.size()).isEqualTo(1);
    b.applyDelta(d);
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.getCell("t", "r", "c")).isEqualTo("kept");
  }
}

package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
  private final Store store = Store.builder().replicaId("a").build();

  @Test
  void tailersReadAtTheirOwnPaceAndTheLogTrimsBelowTheSlowest() {
    ChangeLog log = store.changeLog();
    ChangeLog.Tailer fast = log.tailer("sync");
    ChangeLog.Tailer slow = log.tailer("persist");
    AtomicInteger pokes = new AtomicInteger();
    fast.onAppend(pokes::incrementAndGet);
    for (int i = 0; i < 10; i++) {
      store.setCell("t", "r", "c", i);
    }
    assertThat(pokes).hasValue(10);
    assertThat(fast.poll(4)).extracting(Changeset::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(fast.poll(100)).hasSize(6);
    assertThat(log.size()).isEqualTo(10);
    assertThat(slow.poll(3)).extracting(Changeset::sequence).containsExactly(1L, 2L, 3L);
    assertThat(log.size()).isEqualTo(7);
    slow.close();
    assertThat(log.size()).isZero();
    assertThat(fast.poll(10)).isEmpty();
  }

  @Test
  void withoutTailersNothingIsKept() {
    store.setCell("t", "r", "c", 1);
    assertThat(store.changeLog().size()).isZero();
  }

  @Test
  void collapseKeepsOnlyTheNewestChangePerCell() {
    ChangeLog.Tailer t = store.changeLog().tailer("sync");
    for (int i = 1; i <= 10_000; i++) {
      store.setCell("t", "r0", "c1", i);
    }
    store.setValue("v", 1);
    store.setValue("v", 2);
    List<Change> collapsed = ChangeLog.collapse(t.poll(Integer.MAX_VALUE));
    assertThat(collapsed).hasSize(2);
    assertThat(collapsed.get(0).value()).isEqualTo(10_000L);
    assertThat(collapsed.get(1).value()).isEqualTo(2L);
  }

  @Test
  void remoteChangesetsAreLoggedAndToldApart() {
    ChangeLog.Tailer t = store.changeLog().tailer("persist");
    Store b = Store.builder().replicaId("b").build();
    b.setCell("t", "r", "c", 1);
    store.applyDelta(b.fullState());
    store.setCell("t", "r", "d", 2);
    List<Changeset> got = t.poll(10);
    assertThat(got).hasSize(2);
    assertThat(store.changeLog().isLocal(got.get(0))).isFalse();
    assertThat(store.changeLog().isLocal(got.get(1))).isTrue();
  }

  @Test
  void pendingChangesetsOfEverySizeMaterialiseExactlyAcrossChunks() {
    Store s = Store.builder().replicaId("a").build();
    ChangeLog.Tailer tailer = s.changeLog().tailer("t");
    java.util.Random random = new java.util.Random(7);
    List<List<String>> expected = new java.util.ArrayList<>();
    int[] sizes = {1, 100, 255, 256, 257, 1000, 5000, 3, 30_000, 2}; // chunks grow 256, 512, ...
    for (int t = 0; t < sizes.length; t++) {
      int tx = t;
      List<String> want = new java.util.ArrayList<>();
      s.transaction(x -> {
        for (int i = 0; i < sizes[tx]; i++) {
          String row = "r" + random.nextInt(50_000);
          // every value differs from anything written before, so no write is skipped as a no-op
          Object value = switch (i % 4) {
            case 0 -> "s" + tx + "-" + i + (i % 7 == 0 ? "ü🐕" : "");
            case 1 -> tx * 1_000_000L + i;
            case 2 -> tx * 1_000_000 + i + 0.5;
            default -> Map.of("k", List.of(tx, i));
          };
          String table = i % 11 == 0 ? "u" : "t";
          x.setCell(table, row, "c" + (i % 4), value);
          want.add(table + "/" + row + "/c" + (i % 4) + "=" + value);
        }
        if (tx % 3 == 0) {
          x.setValue("v", tx);
          want.add("value v=" + (long) tx);
        }
      });
      expected.add(want);
    }
    List<Changeset> polled = tailer.poll(100);
    assertThat(polled).hasSize(sizes.length);
    for (int t = 0; t < sizes.length; t++) {
      // a transaction's changeset holds each cell's final state once, in first-write order
      Map<String, String> last = new java.util.LinkedHashMap<>();
      for (String w : expected.get(t)) {
        last.put(w.substring(0, w.indexOf('=')), w);
      }
      List<String> got = polled.get(t).changes().stream().map(c -> c instanceof CellChange cc
          ? cc.table() + "/" + cc.row() + "/" + cc.cell() + "=" + cc.value()
          : "value " + ((ValueChange) c).id() + "=" + c.value()).toList();
      assertThat(got.stream().sorted().toList()).isEqualTo(last.values().stream().sorted().toList());
      assertThat(polled.get(t).sequence()).isEqualTo(t + 1);
    }
  }
}

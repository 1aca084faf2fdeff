package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}

package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalAndReplayTest {
  /** A journal that records appends and can be told to fail. */
  private static final class RecordingJournal implements Journal {
    final List<Changeset> appended = new ArrayList<>();
    final List<Long> awaited = new ArrayList<>();
    boolean fail;

    @Override
    public long append(Changeset changeset) {
      if (fail) {
        throw new SynclineException("disk full");
      }
      appended.add(changeset);
      return appended.size();
    }

    @Override
    public void awaitDurable(long position) {
      awaited.add(position);
    }
  }

  @Test
  void localChangesetsAreJournaledAndSyncWritesWaitForDurability() {
    Store store = Store.builder().replicaId("a").build();
    RecordingJournal journal = new RecordingJournal();
    store.attachJournal(journal, Durability.SYNC);
    store.setCell("t", "r", "c", 1);
    Store other = Store.builder().replicaId("b").build();
    other.setCell("t", "r", "d", 2);
    store.applyDelta(other.fullState()); // remote: not journaled
    store.setCell("t", "r", "c", 3);
    assertThat(journal.appended).extracting(Changeset::sequence).containsExactly(1L, 2L);
    assertThat(journal.awaited).containsExactly(1L, 2L);
    store.flush();
    assertThat(journal.awaited).containsExactly(1L, 2L, 2L);
    store.detachJournal(journal);
    store.setCell("t", "r", "c", 4);
    assertThat(journal.appended).hasSize(2);
  }

  @Test
  void aFailingJournalStillLetsTailersAndListenersSeeTheCommittedChange() {
    Store store = Store.builder().replicaId("a").build();
    RecordingJournal journal = new RecordingJournal();
    store.attachJournal(journal, Durability.BATCHED);
    ChangeLog.Tailer tailer = store.changeLog().tailer("sync");
    List<CellEvent> events = new ArrayList<>();
    store.addCellListener(null, null, null, events::add);
    journal.fail = true;
    assertThatThrownBy(() -> store.setCell("t", "r", "c", 1)).hasMessageContaining("disk full");
    assertThat(store.getCell("t", "r", "c")).isEqualTo(1L);
    assertThat(tailer.poll(10)).hasSize(1);
    assertThat(events).hasSize(1);
  }

  @Test
  void replayedLocalChangesetsAreLoggedAgainForSending() {
    Store before = Store.builder().replicaId("a").build();
    List<Changeset> journaled = new ArrayList<>();
    before.addChangesetListener((cs, o) -> journaled.add(cs));
    before.setCell("t", "r", "c", 1);
    before.setCell("t", "r", "d", 2);

    // after a restart: the snapshot already held the first changeset, the journal holds both
    Store after = Store.builder().replicaId("a").build();
    after.replayLocal(journaled.get(0));
    ChangeLog.Tailer sync = after.changeLog().tailer("sync");
    for (Changeset cs : journaled) {
      after.replayLocal(cs);
    }
    assertThat(sync.poll(10)).extracting(Changeset::sequence).containsExactly(1L, 2L);
    assertThat(after.getTables()).isEqualTo(before.getTables());
    assertThat(after.sequence()).isEqualTo(2);
    assertThat(after.versionVector()).isEqualTo(before.versionVector());
    after.setCell("t", "r", "e", 3);
    assertThat(after.sequence()).isEqualTo(3);
    assertThatThrownBy(() -> Store.create().replayLocal(journaled.get(0))).hasMessageContaining("applyChangeset");
  }

  @Test
  void atomicallyExcludesCommits() throws Exception {
    Store store = Store.builder().replicaId("a").build();
    ChangeLog.Tailer tailer = store.changeLog().tailer("persist");
    Thread writer = new Thread(() -> {
      for (int i = 0; i < 2_000; i++) {
        store.setCell("t", "r" + i, "c", i);
      }
    });
    writer.start();
    int total = 0;
    while (writer.isAlive() || tailer.lag() > 0) {
      int[] seen = store.atomically(() -> new int[] {tailer.poll(Integer.MAX_VALUE).size(), store.rowIds("t").size()});
      total += seen[0];
      assertThat(total).isEqualTo(seen[1]);
    }
    writer.join();
    assertThat(total).isEqualTo(2_000);
  }
}

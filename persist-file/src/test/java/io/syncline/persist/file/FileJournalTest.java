package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Changeset;
import io.syncline.core.Durability;
import io.syncline.core.Store;
import io.syncline.core.SynclineException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileJournalTest {
  @TempDir Path dir;
  final FaultInjectingFileSystem fs = new FaultInjectingFileSystem();

  @Test
  void syncWritesSurvivePowerLossAndReplayIntoAnEqualStore() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    FileJournal journal = FileJournal.open(dir, fs);
    store.attachJournal(journal, Durability.SYNC);
    store.setCell("pets", "fido", "species", "dog");
    store.transaction(tx -> {
      tx.setCell("pets", "felix", "species", "cat");
      tx.setValue("open", true);
    });
    store.delCell("pets", "fido", "species");
    fs.crash(null);
    try (FileJournal reopened = FileJournal.open(dir, fs)) {
      List<Changeset> pending = reopened.pending();
      assertThat(pending).extracting(Changeset::sequence).containsExactly(1L, 2L, 3L);
      Store replayed = Store.builder().replicaId("alice-2").build();
      pending.forEach(replayed::applyChangeset);
      assertThat(replayed.getTables()).isEqualTo(store.getTables());
      assertThat(replayed.getValues()).isEqualTo(store.getValues());
      assertThat(new java.util.HashSet<>(replayed.fullState().changes()))
          .isEqualTo(new java.util.HashSet<>(store.fullState().changes()));
    }
    WriteAheadLogTest.closeAbandoned(journalLog(journal));
  }

  private static WriteAheadLog journalLog(FileJournal journal) {
    try {
      var field = FileJournal.class.getDeclaredField("log");
      field.setAccessible(true);
      return (WriteAheadLog) field.get(journal);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void flushMakesBatchedWritesDurable() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    FileJournal journal = FileJournal.open(dir, fs);
    store.attachJournal(journal, Durability.NONE);
    for (int i = 0; i < 50; i++) {
      store.setCell("t", "r" + i, "c", i);
    }
    store.flush();
    fs.crash(null);
    try (FileJournal reopened = FileJournal.open(dir, fs)) {
      assertThat(reopened.pending()).hasSize(50);
    }
    WriteAheadLogTest.closeAbandoned(journalLog(journal));
  }

  @Test
  void concurrentSyncWritersShareFsyncs() throws Exception {
    Store store = Store.builder().replicaId("alice").build();
    int threads = 8;
    int perThread = 100;
    try (FileJournal journal = FileJournal.open(dir, fs)) {
      store.attachJournal(journal, Durability.SYNC);
      long before = fs.forceCount();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            store.setCell("t" + id, "r" + i, "c", i);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(20, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(fs.forceCount() - before).isLessThan(threads * perThread);
      assertThat(journal.pending()).hasSize(threads * perThread);
    }
  }

  @Test
  void aFailedFsyncFailsTheSyncWriteWithSynclineException() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    FileJournal journal = FileJournal.open(dir, fs);
    store.attachJournal(journal, Durability.SYNC);
    fs.failForce(1);
    assertThatThrownBy(() -> store.setCell("t", "r", "c", 1))
        .isInstanceOf(SynclineException.class).hasMessageContaining(dir.toString());
    WriteAheadLogTest.closeAbandoned(journalLog(journal));
  }

  @Test
  void aSecondWriterCannotOpenTheSameJournal() throws IOException {
    FileJournal first = FileJournal.open(dir, fs);
    assertThatThrownBy(() -> FileJournal.open(dir, fs))
        .isInstanceOf(FileJournal.JournalInUseException.class)
        .hasMessageContaining(dir.toString());
    first.close();
    FileJournal.open(dir, fs).close(); // released on close
  }

  @Test
  void aDamagedJournalIsReportedAndTheKeyFilesStillLoad() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    try (FilePersister persister = FilePersister.builder(store, dir)
        .journal(Durability.SYNC).build()) {
      persister.startAutoSave();
      store.setCell("pets", "fido", "species", "dog");
      persister.flush(); // writes the key file and checkpoints the journal
    }
    Path checkpoint = dir.resolve(FilePersister.JOURNAL_DIRECTORY).resolve("wal.checkpoint");
    byte[] bytes = java.nio.file.Files.readAllBytes(checkpoint);
    bytes[bytes.length - 1] ^= 1;
    java.nio.file.Files.write(checkpoint, bytes);
    Store reloaded = Store.builder().replicaId("alice").build();
    try (FilePersister persister = FilePersister.builder(reloaded, dir)
        .journal(Durability.SYNC).build()) {
      FilePersister.LoadResult result = persister.loadAsync().join();
      assertThat(result.skipped()).singleElement()
          .isInstanceOfSatisfying(CorruptFileException.class,
              e -> assertThat(e.file()).isEqualTo(checkpoint));
      assertThat(reloaded.getTables()).isEqualTo(store.getTables());
    }
  }

  @Test
  void releaseBeforeDropsConfirmedChangesets() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    try (FileJournal journal = FileJournal.open(dir, fs)) {
      store.attachJournal(journal, Durability.BATCHED);
      store.setCell("t", "r", "c", 1);
      long mark = journal.endPosition();
      store.setCell("t", "r", "c", 2);
      journal.releaseBefore(mark);
      assertThat(journal.pending()).extracting(Changeset::sequence).containsExactly(2L);
    }
  }

  @Test
  void persisterReplaysJournaledWritesThatMissedTheirBatch() throws IOException {
    Store store = Store.builder().replicaId("alice").build();
    store.setCell("pets", "fido", "species", "dog"); // saved by the initial batch
    FilePersister persister = FilePersister.builder(store, dir).fileSystem(fs)
        .throttle(Duration.ofHours(1)).journal(Durability.SYNC).build();
    persister.startAutoSave();
    store.setCell("pets", "felix", "species", "cat"); // only in the journal
    store.setRow("pets", "rex", Map.of("species", "dog", "age", 3));
    fs.crash(null); // power loss before the throttle window closes
    Store reloaded = Store.builder().replicaId("alice").build();
    try (FilePersister second = FilePersister.builder(reloaded, dir).fileSystem(fs)
        .throttle(Duration.ofHours(1)).journal(Durability.SYNC).build()) {
      FilePersister.LoadResult result = second.loadAsync().join();
      assertThat(result.skipped()).isEmpty();
      assertThat(result.changesetsReplayed()).isEqualTo(2);
      assertThat(reloaded.getTables()).isEqualTo(store.getTables());
      second.startAutoSave(); // the replayed writes reach the key files...
    }
    try (FileJournal journal = FileJournal.open(dir.resolve(FilePersister.JOURNAL_DIRECTORY), fs)) {
      assertThat(journal.pending()).as("...and the journal is released").isEmpty();
    }
    Store third = Store.builder().replicaId("c").build();
    FilePersisterTest.loadInto(third, dir);
    assertThat(third.getTables()).isEqualTo(store.getTables());
    try {
      persister.close();
    } catch (RuntimeException expected) {
      // its handles died in the crash
    }
  }
}

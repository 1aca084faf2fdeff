package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Changeset;
import io.syncline.core.Durability;
import io.syncline.core.Journal;
import io.syncline.core.Store;
import io.syncline.sync.protocol.SessionLimits;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The durability option attaches the journal, so offline writes are journaled, and close flushes
 * it.
 */
class JournalOptionTest {
  /** Remembers what the store asked of it; everything is "durable" at once. */
  static final class RecordingJournal implements Journal {
    final AtomicInteger appended = new AtomicInteger();
    final AtomicLong awaited = new AtomicLong(-1);

    @Override
    public long append(Changeset changeset) {
      return appended.incrementAndGet();
    }

    @Override
    public void awaitDurable(long position) {
      awaited.accumulateAndGet(position, Math::max);
    }
  }

  @Test
  void localWritesAreJournaledAndCloseFlushesTheJournal() throws Exception {
    RecordingJournal journal = new RecordingJournal();
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    try (HubServer hub = new HubServer(server, "j", SessionLimits.DEFAULT).start()) {
      SyncClient.Options o = SyncClient.Options.builder("j")
          .journal(journal, Durability.SYNC).build();
      SyncClient c = SyncClient.connect(hub.wsUri(), a, o);
      a.setCell("t", "r", "c", 1);
      a.setCell("t", "r", "c", 2);
      assertThat(journal.appended.get()).isEqualTo(2);
      assertThat(journal.awaited.get()).as("SYNC waits for each write").isEqualTo(2);
      server.setCell("t", "remote", "c", 3); // remote writes are not the device's to journal
      Await.until(java.time.Duration.ofSeconds(15), () -> a.hasRow("t", "remote"), a::toString);
      assertThat(journal.appended.get()).isEqualTo(2);
      c.close();
      assertThat(journal.awaited.get()).isEqualTo(2);
    }
  }
}

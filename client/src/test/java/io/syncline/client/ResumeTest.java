package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.SessionLimits;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client resuming from a saved cursor fetches only what changed, not the whole store. */
class ResumeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resumingFromASavedCursorDoesNotRefetchTheStore(Transport transport) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    server.transaction(tx -> {
      for (int i = 0; i < 2000; i++) {
        tx.setCell("t", "r" + i, "c", "value number " + i);
      }
    });
    Store a = Store.builder().replicaId("alice").build();
    try (HubServer hub = new HubServer(server, "resume", SessionLimits.DEFAULT).start()) {
      byte[] saved;
      try (SyncClient first = SyncClient.connect(transport.uri(hub), a,
          TestOptions.fast("resume", 1))) {
        Await.until(TIMEOUT, () -> a.getTable("t").size() == 2000, first::toString);
        saved = first.cursor();
      }
      assertThat(saved).isNotEmpty();
      long fullBytes = hub.counters().bytesOut.get();
      hub.counters().reset();
      server.setCell("t", "new", "c", "after the restart");

      SyncClient.Options resume = SyncClient.Options.builder("resume")
          .pullInterval(Duration.ofMillis(20), Duration.ofMillis(300))
          .resumeFrom(saved).build();
      try (SyncClient second = SyncClient.connect(transport.uri(hub), a, resume)) {
        Await.until(TIMEOUT, () -> "after the restart".equals(a.getCell("t", "new", "c")),
            second::toString);
        assertThat(second.awaitStatus(SyncStatus::isSynced, TIMEOUT)).isTrue();
      }
      long resumedBytes = hub.counters().bytesOut.get();
      assertThat(resumedBytes).as("bytes to resume vs %d for the first sync", fullBytes)
          .isLessThan(fullBytes / 10);
    }
  }
}

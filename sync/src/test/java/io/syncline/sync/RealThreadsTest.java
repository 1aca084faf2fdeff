package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import io.syncline.sync.transport.InMemoryTransport;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same components on a real single-threaded executor, with writers on other threads: the
 * log's append callback only schedules work, so writers never touch the sync state.
 */
class RealThreadsTest {
  @Test
  @Timeout(30)
  void writersOnOtherThreadsSyncThroughAHubOnARealScheduler() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      Scheduler scheduler = Scheduler.of(executor);
      Store server = Store.builder().replicaId("server").build();
      Store alice = Store.builder().replicaId("alice").build();
      Store bob = Store.builder().replicaId("bob").build();
      SyncHub hub = executor.submit(() -> SyncHub.builder(server, "doc", scheduler).build()).get();
      SyncManager[] managers = new SyncManager[2];
      Store[] clients = {alice, bob};
      executor.submit(() -> {
        for (int i = 0; i < 2; i++) {
          managers[i] = SyncManager.builder(clients[i], "doc", scheduler)
              .policy(new AdaptivePolicy(new Random(i), 10, 200, 1_000, 10, 200)).build();
          managers[i].addPeer("hub", () -> {
            InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
            hub.accept(pair.right());
            return pair.left();
          }, CursorMode.SERVER);
          managers[i].start();
        }
      }).get();
      Thread a = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          alice.setCell("t", "a" + (i % 20), "n", (long) i);
        }
      });
      Thread b = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          bob.setCell("t", "b" + (i % 20), "n", (long) i);
        }
      });
      a.start();
      b.start();
      server.setCell("t", "server", "n", 1L); // a direct write to the hub's store, this thread
      a.join();
      b.join();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(alice.getTables().equals(bob.getTables())
          && server.getTables().equals(alice.getTables()))) {
        assertThat(System.nanoTime()).as("converged within 20 s").isLessThan(deadline);
        Thread.sleep(10);
      }
      assertThat(server.getTable("t")).hasSize(41);
      executor.submit(() -> {
        managers[0].close();
        managers[1].close();
        hub.close();
      }).get();
    } finally {
      executor.shutdownNow();
    }
  }
}

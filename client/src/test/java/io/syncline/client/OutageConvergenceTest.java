package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.SessionLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized: three clients (two over WebSocket, one over HTTP) write at random while the server
 * goes down and comes back at random moments; once it stays up, every store is equal. The seed
 * is printed; rerun one with {@code -Dsyncline.seed=<seed>}.
 */
class OutageConvergenceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void clientsConvergeAfterRandomServerOutages() throws Exception {
    long seed = Long.getLong("syncline.seed", new Random().nextLong());
    System.out.println("OutageConvergenceTest seed=" + seed);
    Random random = new Random(seed);
    Store server = Store.builder().replicaId("server").build();
    List<Store> stores = new ArrayList<>();
    List<SyncClient> clients = new ArrayList<>();
    try (HubServer hub = new HubServer(server, "room", SessionLimits.DEFAULT).start()) {
      for (int i = 0; i < 3; i++) {
        Store s = Store.builder().replicaId("client-" + i).build();
        stores.add(s);
        clients.add(SyncClient.connect(i < 2 ? hub.wsUri() : hub.httpUri(), s,
            TestOptions.fast("room", seed + i)));
      }
      try {
        boolean up = true;
        for (int round = 0; round < 6; round++) {
          for (int w = 0; w < 40; w++) {
            Store s = stores.get(random.nextInt(stores.size()));
            String row = "r" + random.nextInt(10);
            if (random.nextInt(6) == 0) {
              s.delRow("t", row);
            } else {
              s.setCell("t", row, "c" + random.nextInt(3), random.nextInt(100));
            }
          }
          Thread.sleep(random.nextInt(150));
          if (up && random.nextBoolean()) {
            hub.stop();
            up = false;
          } else if (!up) {
            hub.start();
            up = true;
          }
        }
        if (!up) {
          hub.start();
        }
        Store[] all = new Store[stores.size() + 1];
        all[0] = server;
        for (int i = 0; i < stores.size(); i++) {
          all[i + 1] = stores.get(i);
        }
        Await.until(TIMEOUT, () -> ConvergenceTest.converged(all)
            && clients.stream().allMatch(c -> c.status().isSynced()),
            () -> "seed " + seed + ": statuses " + clients.stream().map(SyncClient::status).toList()
                + " server " + server.getTables() + " stores "
                + stores.stream().map(Store::getTables).toList());
        assertThat(server.getTables()).isEqualTo(stores.get(2).getTables());
      } finally {
        clients.forEach(SyncClient::close);
      }
    }
  }

  @Test
  void writesPendingAtCloseAreSentByTheNextClientOfTheStore() throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    try (HubServer hub = new HubServer(server, "room", SessionLimits.DEFAULT).start()) {
      SyncClient first = SyncClient.connect(hub.wsUri(), a, TestOptions.fast("room", 1));
      assertThat(first.awaitStatus(SyncStatus::isSynced, TIMEOUT)).isTrue();
      hub.stop();
      a.setCell("t", "queued", "c", "while down");
      Await.until(TIMEOUT, () -> first.status().pending() > 0, first::toString);
      first.close();
      assertThat(first.status().state()).isEqualTo(SyncStatus.State.CLOSED);

      hub.start();
      try (SyncClient second = SyncClient.connect(hub.httpUri(), a, TestOptions.fast("room", 2))) {
        Await.until(TIMEOUT, () -> "while down".equals(server.getCell("t", "queued", "c")),
            () -> second + " server " + server.getTables());
      }
    }
  }
}

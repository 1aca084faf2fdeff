package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.SessionLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two clients and a hub over real sockets on 127.0.0.1 converge, over each transport. */
class ConvergenceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void twoClientsConvergeThroughTheHub(Transport transport) throws Exception {
    long seed = new Random().nextLong();
    System.out.println("ConvergenceTest " + transport + " seed=" + seed);
    Random random = new Random(seed);
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    Store b = Store.builder().replicaId("bob").build();
    a.setCell("pets", "fido", "species", "dog"); // written before connecting: sent on bootstrap
    try (HubServer hub = new HubServer(server, "todo", SessionLimits.DEFAULT).start();
        SyncClient ca = SyncClient.connect(transport.uri(hub), a, TestOptions.fast("todo", seed));
        SyncClient cb = SyncClient.connect(transport.uri(hub), b, TestOptions.fast("todo", ~seed))) {
      List<Store> stores = List.of(a, b);
      for (int i = 0; i < 300; i++) {
        Store s = stores.get(random.nextInt(2));
        String row = "r" + random.nextInt(20);
        switch (random.nextInt(4)) {
          case 0 -> s.setCell("t", row, "c" + random.nextInt(3), random.nextInt(1000));
          case 1 -> s.setCell("t", row, "name", "n" + random.nextInt(1000));
          case 2 -> s.setValue("v" + random.nextInt(5), random.nextBoolean());
          default -> s.delCell("t", row, "c" + random.nextInt(3));
        }
        if (i % 50 == 0) {
          Thread.sleep(5);
        }
      }
      Await.until(TIMEOUT, () -> converged(server, a, b) && ca.status().isSynced()
          && cb.status().isSynced(), () -> "seed " + seed + ": a=" + a.getTables() + " b="
          + b.getTables() + " server=" + server.getTables() + " statuses " + ca.status() + ", "
          + cb.status());
      assertThat(b.getCell("pets", "fido", "species")).isEqualTo("dog");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void statusGoesConnectingOnlineClosedAndCountsPending(Transport transport) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    List<SyncStatus> seen = new CopyOnWriteArrayList<>();
    String storeId = "status-" + transport;
    try (HubServer hub = new HubServer(server, storeId, SessionLimits.DEFAULT).start()) {
      SyncClient client = SyncClient.connect(transport.uri(hub), a, TestOptions.fast(storeId, 1));
      client.addStatusListener(seen::add);
      assertThat(client.awaitStatus(SyncStatus::isSynced, TIMEOUT)).isTrue();
      a.setCell("t", "r", "c", "x");
      Await.until(TIMEOUT, () -> "x".equals(server.getCell("t", "r", "c")), server::toString);
      assertThat(client.awaitStatus(SyncStatus::isSynced, TIMEOUT)).isTrue();
      client.close();
      client.close(); // idempotent
      assertThat(client.status().state()).isEqualTo(SyncStatus.State.CLOSED);
      Await.until(Duration.ofSeconds(2), () -> Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().equals("syncline-client-" + storeId) && t.isAlive()),
          () -> "close() did not stop the client's thread");
    }
    List<SyncStatus.State> states = new ArrayList<>();
    for (SyncStatus s : seen) {
      if (states.isEmpty() || states.get(states.size() - 1) != s.state()) {
        states.add(s.state());
      }
    }
    assertThat(states).endsWith(SyncStatus.State.ONLINE, SyncStatus.State.CLOSED);
    assertThat(states).doesNotContain(SyncStatus.State.OFFLINE);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void statusListenerMayCloseTheClient(Transport transport) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    List<SyncStatus> later = new CopyOnWriteArrayList<>();
    String storeId = "close-" + transport;
    try (HubServer hub = new HubServer(server, storeId, SessionLimits.DEFAULT).start()) {
      SyncClient client = SyncClient.connect(transport.uri(hub), Store.create(),
          TestOptions.fast(storeId, 3));
      client.addStatusListener(s -> {
        if (s.state() == SyncStatus.State.ONLINE) {
          client.close(); // on the client's own thread
        }
      });
      client.addStatusListener(later::add);
      Await.until(TIMEOUT, () -> !later.isEmpty()
          && later.get(later.size() - 1).state() == SyncStatus.State.CLOSED, later::toString);
      assertThat(client.status().state()).isEqualTo(SyncStatus.State.CLOSED);
      assertThat(later.subList(indexOfClosed(later), later.size()))
          .as("no listener hears of an older status after CLOSED")
          .allMatch(s -> s.state() == SyncStatus.State.CLOSED);
    }
  }

  private static int indexOfClosed(List<SyncStatus> seen) {
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).state() == SyncStatus.State.CLOSED) {
        return i;
      }
    }
    return seen.size();
  }

  static boolean converged(Store... stores) {
    for (Store s : stores) {
      if (!s.getTables().equals(stores[0].getTables())
          || !s.getValues().equals(stores[0].getValues())) {
        return false;
      }
    }
    return true;
  }
}

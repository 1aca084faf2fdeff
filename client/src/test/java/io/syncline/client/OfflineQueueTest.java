package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.protocol.SessionLimits;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Writes made while the server is down are delivered when it comes back on the same port. */
class OfflineQueueTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void writesMadeWhileTheServerIsDownAreDeliveredWhenItReturns(Transport transport)
      throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    Store b = Store.builder().replicaId("bob").build();
    try (HubServer hub = new HubServer(server, "todo", SessionLimits.DEFAULT).start();
        SyncClient ca = SyncClient.connect(transport.uri(hub), a, TestOptions.fast("todo", 7));
        SyncClient cb = SyncClient.connect(transport.uri(hub), b, TestOptions.fast("todo", 8))) {
      a.setCell("t", "before", "c", 1);
      Await.until(TIMEOUT, () -> ConvergenceTest.converged(server, a, b) && !b.getTables().isEmpty(),
          () -> "before the outage: " + server.getTables() + " / " + b.getTables());

      hub.stop();
      Await.until(TIMEOUT, () -> ca.status().state() == SyncStatus.State.OFFLINE
          || ca.status().state() == SyncStatus.State.CONNECTING, ca::toString);
      for (int i = 0; i < 20; i++) {
        a.setCell("t", "offline" + i, "c", i);
        a.setCell("t", "offline" + i, "c", i * 10); // collapsed: only the newest leaves
      }
      a.setValue("mode", "offline");
      Await.until(TIMEOUT, () -> ca.status().pending() >= 21, ca::toString);
      Thread.sleep(300); // a few reconnection attempts against the closed port
      assertThat(ca.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      assertThat(server.hasRow("t", "offline0")).isFalse();
      assertThat(ca.status().lastError()).isNotNull();

      hub.start();
      Await.until(TIMEOUT, () -> ConvergenceTest.converged(server, a, b)
          && ca.status().isSynced() && cb.status().isSynced()
          && "offline".equals(b.getValue("mode")),
          () -> "after the outage: a=" + ca.status() + " b=" + cb.status() + " server="
              + server.getTables() + " b=" + b.getTables());
      assertThat(b.getCell("t", "offline19", "c")).isEqualTo(190L);
    }
  }
}

package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.client.testserver.HubServer;
import io.syncline.core.Store;
import io.syncline.sync.Authenticator;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.SessionLimits;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bearer token reaches the server; a wrong one is refused and reported. */
class AuthenticationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Authenticator ONLY_SECRET =
      (store, replica, token) -> "secret".equals(token) ? null : ErrorCode.UNAUTHORIZED;

  @ParameterizedTest
  @EnumSource(Transport.class)
  void wrongTokenIsReportedAndNothingSyncs(Transport transport) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    a.setCell("t", "r", "c", 1);
    try (HubServer hub = new HubServer(server, "todo", SessionLimits.DEFAULT, ONLY_SECRET).start();
        SyncClient c = SyncClient.connect(transport.uri(hub), a, options("wrong"))) {
      Await.until(TIMEOUT, () -> c.status().lastError() != null
          && c.status().lastError().contains("UNAUTHORIZED"), c::toString);
      assertThat(c.status().state()).isNotEqualTo(SyncStatus.State.ONLINE);
      assertThat(server.getTables()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void rightTokenSyncs(Transport transport) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    a.setCell("t", "r", "c", 1);
    try (HubServer hub = new HubServer(server, "todo", SessionLimits.DEFAULT, ONLY_SECRET).start();
        SyncClient c = SyncClient.connect(transport.uri(hub), a, options("secret"))) {
      assertThat(c.awaitStatus(SyncStatus::isSynced, TIMEOUT)).isTrue();
      Await.until(TIMEOUT, () -> server.hasRow("t", "r"), server::toString);
    }
  }

  private static SyncClient.Options options(String token) {
    return SyncClient.Options.builder("todo").token(token)
        .pullInterval(Duration.ofMillis(20), Duration.ofMillis(300))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .httpPollInterval(Duration.ofMillis(50))
        .random(new Random(5))
        .build();
  }
}

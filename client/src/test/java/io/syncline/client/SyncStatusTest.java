package io.syncline.client;

import static io.syncline.client.SyncStatus.State.CLOSED;
import static io.syncline.client.SyncStatus.State.CONNECTING;
import static io.syncline.client.SyncStatus.State.OFFLINE;
import static io.syncline.client.SyncStatus.State.ONLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Store;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The state machine and the eager validation of options and arguments. */
class SyncStatusTest {
  @Test
  void legalTransitionsFollowTheConnectionLifecycle() {
    assertThat(CONNECTING.to(ONLINE)).isEqualTo(ONLINE);
    assertThat(ONLINE.to(OFFLINE)).isEqualTo(OFFLINE);
    assertThat(OFFLINE.to(CONNECTING)).isEqualTo(CONNECTING);
    assertThat(CONNECTING.to(OFFLINE)).isEqualTo(OFFLINE);
    for (SyncStatus.State s : SyncStatus.State.values()) {
      assertThat(s.canBecome(CLOSED)).isTrue();
    }
  }

  @Test
  void illegalTransitionsThrow() {
    assertThatThrownBy(() -> CLOSED.to(CONNECTING)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLOSED to CONNECTING");
    assertThatThrownBy(() -> OFFLINE.to(ONLINE)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ONLINE.to(CONNECTING)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void optionsNameTheSettingAtFault() {
    assertThatThrownBy(() -> SyncClient.Options.builder(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storeId");
    assertThatThrownBy(() -> SyncClient.Options.builder("s").connectTimeout(Duration.ZERO))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> SyncClient.Options.builder("s")
        .pullInterval(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("pullInterval");
    assertThatThrownBy(() -> SyncClient.Options.builder("s").maxMessageBytes(10))
        .hasMessageContaining("maxMessageBytes");
  }

  @Test
  void connectRefusesOtherSchemes() {
    SyncClient.Options o = SyncClient.Options.builder("s").build();
    assertThatThrownBy(() -> SyncClient.connect(URI.create("ftp://127.0.0.1/x"), Store.create(), o))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://127.0.0.1/x");
  }
}

package io.syncline.client;

import java.time.Duration;
import java.util.Random;

/** Client options with short intervals, so the tests finish in seconds. */
final class TestOptions {
  private TestOptions() {}

  static SyncClient.Options fast(String storeId, long seed) {
    return SyncClient.Options.builder(storeId)
        .pullInterval(Duration.ofMillis(20), Duration.ofMillis(300))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .httpPollInterval(Duration.ofMillis(50))
        .connectTimeout(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(5))
        .random(new Random(seed))
        .build();
  }
}

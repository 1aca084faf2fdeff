package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.sync.SchedulePolicy.PeerStats;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaptivePolicyTest {
  private final AdaptivePolicy policy = new AdaptivePolicy(new Random(5));

  private static PeerStats stats(long now, long lastActivity, int idle, int failures, long rtt) {
    return new PeerStats(now, lastActivity, idle, failures, rtt);
  }

  @Test
  void pullsOftenWhileActiveAndBacksOffWhenIdleUpToTheCap() {
    long active = policy.pullDelayMillis(stats(10_000, 9_000, 0, 0, 10));
    assertThat(active).isBetween(80L, 120L);
    long idle1 = policy.pullDelayMillis(stats(100_000, 0, 1, 0, 10));
    long idle4 = policy.pullDelayMillis(stats(100_000, 0, 4, 0, 10));
    assertThat(idle1).isBetween(160L, 240L);
    assertThat(idle4).isBetween(1_280L, 1_920L);
    for (int i = 0; i < 100; i++) {
      assertThat(policy.pullDelayMillis(stats(100_000, 0, 50 + i, 0, 10))).isBetween(24_000L, 36_000L);
    }
  }

  @Test
  void intervalsFollowTheRoundTripTime() {
    assertThat(policy.pullDelayMillis(stats(10_000, 9_999, 0, 0, 400))).isBetween(640L, 960L);
    assertThat(policy.answerTimeoutMillis(stats(0, 0, 0, 0, 10))).isEqualTo(500);
    assertThat(policy.answerTimeoutMillis(stats(0, 0, 0, 0, 1_000))).isEqualTo(4_000);
    assertThat(policy.pushDelayMillis(stats(0, 0, 0, 0, 1))).isEqualTo(5);
    assertThat(policy.pushDelayMillis(stats(0, 0, 0, 0, 100_000))).isEqualTo(200);
  }

  @Test
  void reconnectBacksOffExponentiallyWithJitterAndACap() {
    for (int failures = 1; failures < 40; failures++) {
      long step = Math.min(60_000, 250L << Math.min(failures - 1, 30));
      for (int i = 0; i < 20; i++) {
        long d = policy.reconnectDelayMillis(stats(0, 0, 0, failures, 10));
        assertThat(d).as("failures=" + failures).isBetween(step / 2, step);
      }
    }
  }

  @Test
  void sameSeedSameSchedule() {
    AdaptivePolicy a = new AdaptivePolicy(new Random(9));
    AdaptivePolicy b = new AdaptivePolicy(new Random(9));
    for (int i = 0; i < 50; i++) {
      assertThat(a.reconnectDelayMillis(stats(0, 0, 0, i % 8 + 1, 0)))
          .isEqualTo(b.reconnectDelayMillis(stats(0, 0, 0, i % 8 + 1, 0)));
    }
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new AdaptivePolicy(new Random(), 0, 10, 10, 1, 1))
        .hasMessageContaining("minPullMillis");
    assertThatThrownBy(() -> new AdaptivePolicy(new Random(), 1, 10, 10, 5, 1))
        .hasMessageContaining("maxBackoffMillis");
  }
}

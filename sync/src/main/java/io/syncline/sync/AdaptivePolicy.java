package io.syncline.sync;

import java.util.Random;

/**
 * The default {@link SchedulePolicy}:
 *
 * <ul>
 *   <li>pull every {@code minPullMillis} (at least twice the round-trip time) while either side
 *       changed something within the last {@code activeWindowMillis}; after that, double the
 *       interval with every pull that brings nothing, up to {@code maxPullMillis};
 *   <li>push after a short debounce (half the round-trip time, between 5 and 200 ms), so a burst
 *       of writes to one cell leaves as one change;
 *   <li>resend an unanswered push or pull after four round-trip times (0.5 s to 30 s);
 *   <li>reconnect with exponential backoff from {@code minBackoffMillis}, capped at
 *       {@code maxBackoffMillis}, with "equal jitter" (between half and all of the step).
 * </ul>
 *
 * <p>Every interval is jittered by up to 20% from the injected {@link Random}, so peers do not
 * pull in lockstep; a seeded random makes a run replayable.
 */
public final class AdaptivePolicy implements SchedulePolicy {
  private final Random random;
  private final long minPullMillis;
  private final long maxPullMillis;
  private final long activeWindowMillis;
  private final long minBackoffMillis;
  private final long maxBackoffMillis;

  /** The defaults: pulls from 100 ms to 30 s, active for 5 s, backoff 250 ms to 60 s. */
  public AdaptivePolicy(Random random) {
    this(random, 100, 30_000, 5_000, 250, 60_000);
  }

  public AdaptivePolicy(Random random, long minPullMillis, long maxPullMillis,
      long activeWindowMillis, long minBackoffMillis, long maxBackoffMillis) {
    if (random == null) {
      throw new IllegalArgumentException("AdaptivePolicy: random must not be null.");
    }
    if (minPullMillis < 1 || maxPullMillis < minPullMillis) {
      throw new IllegalArgumentException("AdaptivePolicy: need 1 <= minPullMillis <= maxPullMillis,"
          + " were " + minPullMillis + " and " + maxPullMillis + ".");
    }
    if (minBackoffMillis < 1 || maxBackoffMillis < minBackoffMillis) {
      throw new IllegalArgumentException("AdaptivePolicy: need 1 <= minBackoffMillis <= "
          + "maxBackoffMillis, were " + minBackoffMillis + " and " + maxBackoffMillis + ".");
    }
    if (activeWindowMillis < 0) {
      throw new IllegalArgumentException(
          "AdaptivePolicy: activeWindowMillis must not be negative, was " + activeWindowMillis);
    }
    this.random = random;
    this.minPullMillis = minPullMillis;
    this.maxPullMillis = maxPullMillis;
    this.activeWindowMillis = activeWindowMillis;
    this.minBackoffMillis = minBackoffMillis;
    this.maxBackoffMillis = maxBackoffMillis;
  }

  @Override
  public long pushDelayMillis(PeerStats s) {
    return clamp(s.rttMillis() / 2, 5, 200);
  }

  @Override
  public long pullDelayMillis(PeerStats s) {
    long base = Math.max(minPullMillis, 2 * s.rttMillis());
    boolean active = s.nowMillis() - s.lastActivityMillis() < activeWindowMillis;
    long interval = active ? base : base << Math.min(s.idlePulls(), 20);
    return jitter(Math.min(maxPullMillis, interval));
  }

  @Override
  public long answerTimeoutMillis(PeerStats s) {
    return clamp(4 * s.rttMillis(), 500, 30_000);
  }

  @Override
  public long reconnectDelayMillis(PeerStats s) {
    int steps = Math.max(0, Math.min(s.failures() - 1, 30));
    long step = Math.min(maxBackoffMillis, minBackoffMillis << steps);
    return step / 2 + (long) (random.nextDouble() * (step - step / 2 + 1));
  }

  private long jitter(long millis) {
    return Math.max(1, (long) (millis * (0.8 + 0.4 * random.nextDouble())));
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}

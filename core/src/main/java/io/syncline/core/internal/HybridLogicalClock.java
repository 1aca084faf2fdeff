package io.syncline.core.internal;

import io.syncline.core.Stamp;
import java.time.Clock;

/**
 * A hybrid logical clock: stamps follow the wall clock when it moves forward and a counter when
 * it does not, and never fall behind a stamp already seen, so a replica's own stamps strictly
 * increase even if its wall clock steps back. Not thread-safe; the store guards it.
 */
public final class HybridLogicalClock {
  private final Clock clock;
  private final int clientId;
  private long millis;
  private int counter;

  public HybridLogicalClock(Clock clock, int clientId) {
    this.clock = clock;
    this.clientId = clientId;
  }

  public int clientId() {
    return clientId;
  }

  public long wallMillis() {
    return clock.millis();
  }

  /**
   * Advances for a local event at wall time {@code now}, a reading of {@link #wallMillis()} that
   * the caller may share between the writes of one transaction (reading the clock costs about as
   * much as the rest of a cell write). Read the result with {@link #hi()} and {@link #lo()}.
   */
  public void tick(long now) {
    if (now > millis) {
      millis = Math.min(now, Stamp.MAX_MILLIS);
      counter = 0;
    } else if (counter < Stamp.MAX_COUNTER) {
      counter++;
    } else {
      millis++;
      counter = 0;
    }
  }

  /** Moves past a stamp received from elsewhere so the next local stamp is larger. */
  public void observe(long remoteMillis, int remoteCounter) {
    if (remoteMillis > millis || (remoteMillis == millis && remoteCounter > counter)) {
      millis = remoteMillis;
      counter = remoteCounter;
    }
  }

  public long millis() {
    return millis;
  }

  public int counter() {
    return counter;
  }

  public long hi() {
    return Stamp.pack(millis, counter);
  }

  public int lo() {
    return Stamp.packLo(counter, clientId);
  }
}

package io.syncline.testkit;

import io.syncline.core.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} on virtual time: it stands still until a test advances it. Thread-safe, so a
 * test thread may advance it while a component's worker reads it.
 */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos;

  /** A ticker reading {@code 0}. */
  public FakeTicker() {
    this(0);
  }

  /** A ticker reading {@code startNanos}. */
  public FakeTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /**
   * Moves the reading forward by {@code by}.
   *
   * @throws IllegalArgumentException if {@code by} is negative: a ticker never goes backwards
   */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("A ticker never goes backwards; cannot advance by " + by);
    }
    nanos.addAndGet(by.toNanos());
  }
}

package io.syncline.sync;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A {@link Clock} that reads a {@link VirtualScheduler}'s time, from a fixed epoch offset. */
final class SchedulerClock extends Clock {
  private static final long BASE = 1_763_780_000_000L;
  private final Scheduler scheduler;

  SchedulerClock(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public long millis() {
    return BASE + scheduler.nowMillis();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

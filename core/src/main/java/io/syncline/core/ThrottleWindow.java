package io.syncline.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a persister's auto-save batch runs: {@code throttle} after the last commit of a burst of
 * writes, but no later than {@code maxDelay} after the first (a debounce with a maximum wait).
 * A burst of writes therefore completes without sharing the machine with its own saving, a steady
 * stream of writes is still saved at least every {@code maxDelay}, and a single write is saved
 * {@code throttle} after it. Durability of each write does not depend on this: that is the
 * journal's job ({@link Store#attachJournal}).
 *
 * <p>A stop-the-world pause (a garbage collection) halts the writers and this timer alike and
 * would look like a pause in the writes; so a check that runs late by more than half of
 * {@code throttle} does not count, and looks again.
 *
 * <p>{@link #onCommit()} runs on the store's writing thread (as a commit listener) and only
 * records the time and, if no batch is scheduled, schedules one. The batch runs on the given
 * single-threaded worker. Thread-safe.
 */
public final class ThrottleWindow {
  private final long throttleNanos;
  private final long maxDelayNanos;
  private final ScheduledExecutorService worker;
  private final Runnable batch;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile long lastCommit;
  private volatile long opened;
  private volatile long due; // when the scheduled check should run

  /**
   * @param throttle how long after the last commit the batch runs; zero runs it at once
   * @param maxDelay how long after the first commit of a burst the batch runs even if writes go
   *     on; a value below {@code throttle} counts as {@code throttle}
   */
  public ThrottleWindow(Duration throttle, Duration maxDelay, ScheduledExecutorService worker, Runnable batch) {
    if (throttle.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("Need throttle >= 0 and maxDelay >= 0; got throttle " + throttle
          + ", maxDelay " + maxDelay);
    }
    this.throttleNanos = throttle.toNanos();
    this.maxDelayNanos = Math.max(throttleNanos, maxDelay.toNanos());
    this.worker = Objects.requireNonNull(worker, "worker");
    this.batch = Objects.requireNonNull(batch, "batch");
  }

  /** A commit happened: opens a window if none is open. Cheap; call it from a commit listener. */
  public void onCommit() {
    long now = System.nanoTime();
    lastCommit = now;
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      opened = now;
      schedule(throttleNanos);
    }
  }

  /**
   * Runs the batch again later even without a commit, after a failed one: after the throttle, but
   * at least {@value #MIN_RETRY_MILLIS} ms away, so a failing disk is not hammered.
   */
  public void retry() {
    if (scheduled.compareAndSet(false, true)) {
      opened = System.nanoTime();
      schedule(Math.max(throttleNanos, TimeUnit.MILLISECONDS.toNanos(MIN_RETRY_MILLIS)));
    }
  }

  static final long MIN_RETRY_MILLIS = 100;

  private void schedule(long delayNanos) {
    due = System.nanoTime() + delayNanos;
    try {
      worker.schedule(this::closeWindow, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      scheduled.set(false); // shutting down: whoever closes the persister writes what is left
    }
  }

  /** On the worker: runs the batch, or waits for a pause in the commits if there is time left. */
  private void closeWindow() {
    long now = System.nanoTime();
    long sinceCommit = now - lastCommit;
    long left = opened + maxDelayNanos - now;
    boolean late = now - due > throttleNanos / 2; // the JVM or this thread was held up: the writers may have been too
    if ((sinceCommit < throttleNanos || late) && left > 0) {
      schedule(Math.min(Math.max(throttleNanos - sinceCommit, throttleNanos / 2), left));
      return;
    }
    scheduled.set(false); // a commit from now on opens the next window
    batch.run();
  }
}

package io.syncline.sync;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time and deferred work, injected so tests run on virtual time ({@link VirtualScheduler}) and
 * production on an executor. All sync components of one store run their tasks through one
 * scheduler whose tasks never overlap; that scheduler's thread is the store's writer thread.
 */
public interface Scheduler {
  /** The current time in milliseconds; monotonic, arbitrary origin. */
  long nowMillis();

  /** Runs {@code task} once after {@code delayMillis} (0 = as soon as possible, after now). */
  Cancellable schedule(Runnable task, long delayMillis);

  /** A scheduled task that can be cancelled; cancelling twice or after it ran does nothing. */
  interface Cancellable {
    void cancel();
  }

  /**
   * A scheduler over a single-threaded executor. Tasks must not overlap, so the executor must
   * have exactly one thread.
   */
  static Scheduler of(ScheduledExecutorService singleThread) {
    return new Scheduler() {
      @Override
      public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
      }

      @Override
      public Cancellable schedule(Runnable task, long delayMillis) {
        ScheduledFuture<?> f =
            singleThread.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}

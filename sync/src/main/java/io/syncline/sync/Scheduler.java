package io.syncline.sync;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

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
   * have exactly one thread. A task that throws does not stop the scheduler: the exception is
   * logged at {@code ERROR} on the {@link System.Logger} named {@code io.syncline.sync.Scheduler},
   * with its stack trace, and the next task runs as usual. Once the executor is shut down,
   * newly scheduled tasks are dropped.
   */
  static Scheduler of(ScheduledExecutorService singleThread) {
    return of(singleThread, ExecutorScheduler::log);
  }

  /**
   * A scheduler over a single-threaded executor, as {@link #of(ScheduledExecutorService)}, that
   * hands whatever a task throws to {@code onTaskFailure} (on the executor's thread) instead of
   * logging it. An exception thrown by {@code onTaskFailure} itself is logged.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  static Scheduler of(ScheduledExecutorService singleThread, Consumer<Throwable> onTaskFailure) {
    return new ExecutorScheduler(singleThread, onTaskFailure);
  }
}

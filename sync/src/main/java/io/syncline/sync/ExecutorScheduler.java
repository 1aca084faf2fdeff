package io.syncline.sync;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Scheduler#of}: a scheduler on a single-threaded executor whose tasks report what they
 * throw instead of leaving it in a {@link ScheduledFuture} nobody reads.
 */
final class ExecutorScheduler implements Scheduler {
  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

  private final ScheduledExecutorService executor;
  private final Consumer<Throwable> onTaskFailure;

  ExecutorScheduler(ScheduledExecutorService executor, Consumer<Throwable> onTaskFailure) {
    if (executor == null || onTaskFailure == null) {
      throw new IllegalArgumentException(
          "Scheduler.of: the executor and the failure handler must not be null.");
    }
    this.executor = executor;
    this.onTaskFailure = onTaskFailure;
  }

  @Override
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /**
   * Schedules {@code task}; once the executor is shut down, tasks are dropped (the sync
   * components using the scheduler are being stopped with it) rather than rejected.
   */
  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    ScheduledFuture<?> f;
    try {
      f = executor.schedule(
          () -> runReporting(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (executor.isShutdown()) {
        return () -> {};
      }
      throw e;
    }
    return () -> f.cancel(false);
  }

  private void runReporting(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) { // anything a task throws would otherwise vanish into its future
      try {
        onTaskFailure.accept(t);
      } catch (Throwable handlerFailure) {
        handlerFailure.addSuppressed(t);
        log(handlerFailure);
      }
    }
  }

  static void log(Throwable t) {
    LOG.log(System.Logger.Level.ERROR, "A sync task failed; the scheduler goes on with the next.",
        t);
  }
}

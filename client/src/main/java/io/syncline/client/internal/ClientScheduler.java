package io.syncline.client.internal;

import io.syncline.sync.Scheduler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The sync {@link Scheduler} of one client: one daemon thread, so tasks never overlap. Tasks
 * scheduled after {@link #shutdown} are dropped rather than rejected, because transports deliver
 * their last close notice from their own threads after the client has stopped. A task that
 * throws does not stop the thread; the exception goes to the error sink (the client records it
 * as its last error). An {@link Error} is reported too, then rethrown.
 */
public final class ClientScheduler implements Scheduler {
  private static final Cancellable NOTHING = () -> {};

  private final ScheduledThreadPoolExecutor executor;
  private final Consumer<Throwable> errors;
  private volatile Thread thread;

  /** A scheduler whose thread is called {@code threadName}. */
  public ClientScheduler(String threadName, Consumer<Throwable> errors) {
    this.errors = errors;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(() -> run(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return NOTHING; // shut down: the client is closed and nothing more needs to run
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      errors.accept(e);
    } catch (Error e) {
      errors.accept(e); // reported, then left to the executor: the client cannot recover from it
      throw e;
    }
  }

  /** True when called on this scheduler's thread. */
  public boolean inThread() {
    return Thread.currentThread() == thread;
  }

  /** Stops accepting tasks, drops delayed ones, and waits up to {@code millis} for the running one. */
  public void shutdown(long millis) {
    executor.shutdown();
    if (inThread()) {
      return;
    }
    try {
      executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

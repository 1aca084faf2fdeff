package io.syncline.sync;

import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on virtual time for tests and simulations: nothing runs until the caller
 * advances time, and then tasks run on the caller's thread in (time, submission) order, so a run
 * is fully determined by its inputs and its seeds.
 *
 * <p>Confined to one thread: create it, schedule on it and advance it from the same thread.
 */
public final class VirtualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long submitted;

  private static final class Task implements Comparable<Task>, Cancellable {
    final long at;
    final long order;
    final Runnable body;
    boolean cancelled;

    Task(long at, long order, Runnable body) {
      this.at = at;
      this.order = order;
      this.body = body;
    }

    @Override
    public int compareTo(Task o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayMillis) {
    Task t = new Task(now + Math.max(0, delayMillis), submitted++, task);
    queue.add(t);
    return t;
  }

  /** Runs every task due within the next {@code millis}, then sets the clock to now + millis. */
  public void advance(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("advance: millis must not be negative, was " + millis);
    }
    long until = now + millis;
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Task t = queue.poll();
      now = Math.max(now, t.at);
      if (!t.cancelled) {
        t.body.run();
      }
    }
    now = until;
  }

  /**
   * Runs tasks until none is due at or before now, and returns how many ran (without moving
   * time).
   */
  public int runDue() {
    int ran = 0;
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Task t = queue.poll();
      if (!t.cancelled) {
        t.body.run();
        ran++;
      }
    }
    return ran;
  }

  /** The number of scheduled tasks not yet run (cancelled ones included until their time). */
  public int pending() {
    return queue.size();
  }
}

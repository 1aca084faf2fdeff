package io.syncline.sync.transport;

import io.syncline.sync.Scheduler;
import java.util.Random;

/**
 * An in-memory connection that drops, duplicates, delays, reorders frames and cuts itself,
 * driven by a seeded {@link Random} and a {@link Scheduler}: with a {@link
 * io.syncline.sync.VirtualScheduler}, the same seed replays the same faults. The plan can be
 * changed at any time, e.g. to {@link FaultPlan#NONE} to heal the network.
 *
 * <p>Thread-safety: confined to the scheduler's thread.
 */
public final class FaultyLink implements InMemoryConnection.Link {
  private final Scheduler scheduler;
  private final Random random;
  private final InMemoryConnection left;
  private final InMemoryConnection right;
  private FaultPlan plan;
  private long sent;
  private long dropped;
  private long duplicated;

  private FaultyLink(Scheduler scheduler, Random random, FaultPlan plan, String name) {
    this.scheduler = scheduler;
    this.random = random;
    this.plan = plan;
    this.left = new InMemoryConnection(scheduler, name + "/left");
    this.right = new InMemoryConnection(scheduler, name + "/right");
    InMemoryConnection.connect(left, right, this);
  }

  /** A new link named {@code name}, following {@code plan}, drawing faults from {@code random}. */
  public static FaultyLink create(Scheduler scheduler, Random random, FaultPlan plan, String name) {
    return new FaultyLink(scheduler, random, plan, name);
  }

  public Connection left() {
    return left;
  }

  public Connection right() {
    return right;
  }

  /** Replaces the plan for frames sent from now on. */
  public void plan(FaultPlan plan) {
    this.plan = plan;
  }

  /** Cuts the link now: both ends close, and frames in flight are lost. */
  public void cut() {
    left.cut("link cut");
  }

  @Override
  public void carryClose(InMemoryConnection to, String reason) {
    scheduler.schedule(() -> to.markClosed(reason), plan.maxDelayMillis() + 1);
  }

  /** Frames handed to the link so far, both directions. */
  public long sent() {
    return sent;
  }

  /** Frames the link lost. */
  public long dropped() {
    return dropped;
  }

  /** Frames the link delivered twice. */
  public long duplicated() {
    return duplicated;
  }

  @Override
  public void carry(InMemoryConnection to, byte[] frame) {
    sent++;
    if (random.nextDouble() < plan.cut()) {
      scheduler.schedule(this::cut, delay());
    }
    if (random.nextDouble() < plan.drop()) {
      dropped++;
      return;
    }
    scheduler.schedule(() -> to.arrive(frame), delay());
    if (random.nextDouble() < plan.duplicate()) {
      duplicated++;
      scheduler.schedule(() -> to.arrive(frame), delay());
    }
  }

  private long delay() {
    long span = plan.maxDelayMillis() - plan.minDelayMillis();
    return plan.minDelayMillis() + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1)));
  }

  @Override
  public String toString() {
    return "FaultyLink[" + left + " <-> " + right + ", sent " + sent + ", dropped " + dropped
        + ", duplicated " + duplicated + "]";
  }
}

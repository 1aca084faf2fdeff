package io.syncline.sync.transport;

import io.syncline.sync.Scheduler;

/**
 * Perfect in-memory connections: every frame arrives once, in order, on the scheduler's next
 * turn.
 */
public final class InMemoryTransport {
  private InMemoryTransport() {}

  /** Two connected ends. */
  public record Pair(InMemoryConnection left, InMemoryConnection right) {}

  /** A connected pair whose ends are called {@code name + "/left"} and {@code name + "/right"}. */
  public static Pair pair(Scheduler scheduler, String name) {
    InMemoryConnection left = new InMemoryConnection(scheduler, name + "/left");
    InMemoryConnection right = new InMemoryConnection(scheduler, name + "/right");
    InMemoryConnection.connect(left, right, new InMemoryConnection.Link() {
      @Override
      public void carry(InMemoryConnection to, byte[] frame) {
        scheduler.schedule(() -> to.arrive(frame), 0);
      }

      @Override
      public void carryClose(InMemoryConnection to, String reason) {
        scheduler.schedule(() -> to.markClosed(reason), 0);
      }
    });
    return new Pair(left, right);
  }
}

package io.syncline.sync.transport;

import io.syncline.sync.Scheduler;
import java.util.ArrayDeque;

/**
 * One end of an in-memory connection. Delivery always goes through the scheduler, never inline,
 * so a handler that sends in reply never re-enters the other side.
 *
 * <p>Thread-safety: confined to the scheduler's thread, like everything it delivers to.
 */
public final class InMemoryConnection implements Connection {
  /** What carries frames, and the news of an orderly close, from one end to the other. */
  interface Link {
    void carry(InMemoryConnection to, byte[] frame);

    /** Tells {@code to} that its peer closed, after the frames sent before the close. */
    void carryClose(InMemoryConnection to, String reason);
  }

  private final Scheduler scheduler;
  private final String name;
  private Link link;
  private InMemoryConnection peer;
  private FrameHandler handler;
  private final ArrayDeque<byte[]> early = new ArrayDeque<>();
  private boolean open = true;
  private String closeReason;
  private boolean closeDelivered;

  InMemoryConnection(Scheduler scheduler, String name) {
    this.scheduler = scheduler;
    this.name = name;
  }

  static void connect(InMemoryConnection a, InMemoryConnection b, Link link) {
    a.peer = b;
    b.peer = a;
    a.link = link;
    b.link = link;
  }

  @Override
  public void start(FrameHandler handler) {
    if (this.handler != null) {
      throw new IllegalStateException("Connection " + name + " was already started.");
    }
    this.handler = handler;
    while (!early.isEmpty()) {
      byte[] frame = early.poll();
      scheduler.schedule(() -> deliver(frame), 0);
    }
    if (!open) {
      scheduler.schedule(this::deliverClose, 0);
    }
  }

  @Override
  public boolean send(byte[] frame) {
    if (!open) {
      return false;
    }
    link.carry(peer, frame.clone());
    return true;
  }

  @Override
  public void close(String reason) {
    if (!open) {
      return;
    }
    markClosed(reason);
    link.carryClose(peer, reason);
  }

  /** Closes both ends at once; frames in flight are lost. */
  void cut(String reason) {
    markClosed(reason);
    peer.markClosed(reason);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Called by the link when a frame reaches this end. Frames for a closed end are lost. */
  void arrive(byte[] frame) {
    if (!open) {
      return;
    }
    if (handler == null) {
      early.add(frame);
    } else {
      deliver(frame);
    }
  }

  private void deliver(byte[] frame) {
    if (open) {
      handler.onFrame(frame);
    }
  }

  void markClosed(String reason) {
    if (!open) {
      return;
    }
    open = false;
    closeReason = reason;
    early.clear();
    if (handler != null) {
      scheduler.schedule(this::deliverClose, 0);
    }
  }

  private void deliverClose() {
    if (!closeDelivered) {
      closeDelivered = true;
      handler.onClose(closeReason);
    }
  }

  @Override
  public String toString() {
    return "InMemoryConnection[" + name + (open ? "" : ", closed") + "]";
  }
}

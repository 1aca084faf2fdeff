package io.syncline.client.internal;

import io.syncline.sync.transport.Connection;
import java.util.ArrayDeque;

/**
 * The receiving half every network {@link Connection} shares: it holds frames that arrive before
 * {@link Connection#start}, calls the handler serially (never concurrently with itself, whichever
 * network or caller thread a frame or close comes from), and delivers the close exactly once,
 * last. The handler runs under this object's monitor, so it must not block; the sync module's
 * handlers only hand the frame to their scheduler.
 */
public final class FrameDelivery {
  private final String name;
  private Connection.FrameHandler handler;
  private final ArrayDeque<byte[]> early = new ArrayDeque<>();
  private boolean closed;
  private String closeReason;

  public FrameDelivery(String name) {
    this.name = name;
  }

  /** Starts delivery: frames held so far first, then a close if one happened. */
  public synchronized void start(Connection.FrameHandler handler) {
    if (this.handler != null) {
      throw new IllegalStateException("Connection " + name + " was already started.");
    }
    this.handler = handler;
    while (!early.isEmpty() && !closed) {
      handler.onFrame(early.poll());
    }
    if (closed) {
      handler.onClose(closeReason);
    }
  }

  /** Delivers (or holds) one whole frame; frames after the close are dropped. */
  public synchronized void frame(byte[] frame) {
    if (closed) {
      return;
    }
    if (handler == null) {
      early.add(frame);
    } else {
      handler.onFrame(frame);
    }
  }

  /**
   * Marks the connection closed and tells the handler (now, or when it starts).
   *
   * @return false if it was already closed
   */
  public synchronized boolean close(String reason) {
    if (closed) {
      return false;
    }
    closed = true;
    closeReason = reason;
    if (handler != null) {
      early.clear();
      handler.onClose(reason);
    }
    return true;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return name;
  }
}

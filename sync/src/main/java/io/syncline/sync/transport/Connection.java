package io.syncline.sync.transport;

/**
 * One end of a two-way connection that carries whole frames. A frame sent is delivered whole or
 * not at all; transports may document further guarantees (a WebSocket keeps order and loses
 * nothing while open; the {@link FaultyLink} does neither).
 *
 * <p>Thread-safety: {@link #send} and {@link #close} may be called from any thread. The handler
 * is called serially, never concurrently with itself, on the transport's delivery thread (for
 * in-memory connections, the scheduler's thread).
 */
public interface Connection {
  /**
   * Starts delivery to {@code handler}. Frames that arrived before are delivered first. May be
   * called once.
   *
   * @throws IllegalStateException if already started
   */
  void start(FrameHandler handler);

  /**
   * Sends a frame. The connection copies or takes ownership of the array; the caller must not
   * change it afterwards.
   *
   * @return false if the connection is closed (the frame is dropped)
   */
  boolean send(byte[] frame);

  /**
   * Closes the connection. Frames sent before are still delivered (as far as the transport
   * delivers anything), then the peer's handler sees {@link FrameHandler#onClose}. Idempotent.
   */
  void close(String reason);

  /** False once either end closed or the link was cut. */
  boolean isOpen();

  /** Receives what arrives on a connection. */
  interface FrameHandler {
    /** One whole frame. */
    void onFrame(byte[] frame);

    /** The connection closed, from either end or by a fault; called at most once, last. */
    void onClose(String reason);
  }
}

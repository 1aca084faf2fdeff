package io.syncline.client.testserver;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Protocol frames and bytes crossing the test server's sockets, by direction and (inbound) by
 * message type. Bytes are protocol frame bytes (type, length, body); the WebSocket's own message
 * header (2 to 14 bytes per message) and HTTP headers are not included.
 */
public final class WireCounters {
  public final AtomicLong framesIn = new AtomicLong();
  public final AtomicLong bytesIn = new AtomicLong();
  public final AtomicLong framesOut = new AtomicLong();
  public final AtomicLong bytesOut = new AtomicLong();
  /** Sends the server's socket reported as failed. */
  public final AtomicLong failedSends = new AtomicLong();
  private final AtomicLongArray inByType = new AtomicLongArray(256);

  void in(byte[] frame) {
    framesIn.incrementAndGet();
    bytesIn.addAndGet(frame.length);
    if (frame.length > 0) {
      inByType.incrementAndGet(frame[0] & 0xFF);
    }
  }

  void out(byte[] frame) {
    framesOut.incrementAndGet();
    bytesOut.addAndGet(frame.length);
  }

  /** Inbound frames whose type byte is {@code type}. */
  public long inOfType(int type) {
    return inByType.get(type);
  }

  public void reset() {
    framesIn.set(0);
    bytesIn.set(0);
    framesOut.set(0);
    bytesOut.set(0);
    failedSends.set(0);
    for (int i = 0; i < 256; i++) {
      inByType.set(i, 0);
    }
  }
}

package io.syncline.sync.protocol;

/**
 * Limits the server announces in its {@link Message.Welcome} and enforces for the rest of the
 * session.
 *
 * @param maxFrameBytes largest frame body either side may send, in bytes
 * @param maxInFlightPushes how many pushes a client may send before waiting for an Ack or Refuse
 * @param heartbeatMillis how often the client should ping when idle; the server closes a session
 *     silent for three times this long; 0 means no heartbeat
 */
public record SessionLimits(int maxFrameBytes, int maxInFlightPushes, int heartbeatMillis) {
  /** What a server offers unless configured otherwise. */
  public static final SessionLimits DEFAULT =
      new SessionLimits(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES, 16, 15_000);

  public SessionLimits {
    if (maxFrameBytes < BinaryProtocol.MIN_MAX_FRAME_BYTES
        || maxFrameBytes > BinaryProtocol.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "SessionLimits.maxFrameBytes must be between " + BinaryProtocol.MIN_MAX_FRAME_BYTES
              + " and " + BinaryProtocol.MAX_FRAME_BYTES + ", was " + maxFrameBytes + ".");
    }
    if (maxInFlightPushes < 1 || maxInFlightPushes > BinaryProtocol.MAX_IDS) {
      throw new IllegalArgumentException(
          "SessionLimits.maxInFlightPushes must be between 1 and " + BinaryProtocol.MAX_IDS
              + ", was " + maxInFlightPushes + ".");
    }
    if (heartbeatMillis < 0) {
      throw new IllegalArgumentException(
          "SessionLimits.heartbeatMillis must not be negative, was " + heartbeatMillis + ".");
    }
  }
}

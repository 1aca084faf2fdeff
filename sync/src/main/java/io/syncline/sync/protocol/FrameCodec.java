package io.syncline.sync.protocol;

/**
 * Turns messages into frames and back, in one {@link Encoding}. Implementations are immutable and
 * thread-safe.
 */
public interface FrameCodec {
  /** The encoding this codec speaks. */
  Encoding encoding();

  /**
   * The frame for {@code message}.
   *
   * @throws ProtocolException if the frame would be over the codec's frame limit
   */
  byte[] encode(Message message);

  /**
   * The message in {@code frame}, which must be exactly one whole frame.
   *
   * @throws ProtocolException if the frame is malformed, oversized or of an unknown type
   */
  Message decode(byte[] frame);

  /** The codec for {@code encoding} with the given frame limit. */
  static FrameCodec of(Encoding encoding, int maxFrameBytes) {
    return switch (encoding) {
      case BINARY -> new BinaryCodec(maxFrameBytes);
      case JSON -> new JsonCodec(maxFrameBytes);
    };
  }
}

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

  /**
   * The codec for {@code encoding} with the given frame limit. The JSON codec, and with it
   * Jackson, is loaded only when {@link Encoding#JSON} is asked for.
   *
   * @throws IllegalStateException if the encoding is not {@linkplain Encoding#isAvailable
   *     available} (JSON without Jackson on the class path)
   */
  static FrameCodec of(Encoding encoding, int maxFrameBytes) {
    if (!encoding.isAvailable()) {
      throw new IllegalStateException("The " + encoding.jsonName() + " encoding needs "
          + "com.fasterxml.jackson.core:jackson-databind on the class path; it is an optional "
          + "dependency of syncline-sync.");
    }
    return switch (encoding) {
      case BINARY -> new BinaryCodec(maxFrameBytes);
      case JSON -> new JsonCodec(maxFrameBytes);
    };
  }
}

package io.syncline.sync.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream of binary frames ({@code type:u8 length:varint body}) into whole frames,
 * and joins frames into one stream: the body of an HTTP sync request or response ({@code
 * docs/protocol.md} sections 2 and 14). Server adapters split a request body with it before
 * {@link io.syncline.sync.transport.RequestResponseConnection#deliver} and join the answer.
 *
 * <p>Only the framing is checked (a complete, minimal length within the limit); the frames
 * themselves are decoded, and their type checked, by the session that receives them. Stateless
 * and thread-safe.
 */
public final class FrameStream {
  /** A varint of more than five bytes is over any frame limit (at most 2^35 - 1). */
  private static final int MAX_LENGTH_SHIFT = 28;

  private FrameStream() {}

  /** Concatenates {@code frames} into one body. */
  public static byte[] join(List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  /**
   * Splits {@code body} into whole frames, each with its type byte and length.
   *
   * @param maxFrameBytes the largest frame body accepted
   * @throws ProtocolException {@link ErrorCode#TRUNCATED} if the body ends inside a frame,
   *     {@link ErrorCode#MALFORMED} for a non-minimal length, {@link ErrorCode#FRAME_TOO_LARGE}
   *     for a frame body over {@code maxFrameBytes}
   */
  public static List<byte[]> split(byte[] body, int maxFrameBytes) {
    List<byte[]> frames = new ArrayList<>();
    int pos = 0;
    while (pos < body.length) {
      int start = pos++;
      long length = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= body.length) {
          throw new ProtocolException(ErrorCode.TRUNCATED,
              "The body ends inside the length of frame " + frames.size() + ".");
        }
        int b = body[pos++] & 0xFF;
        if (shift > 0 && b == 0) {
          throw new ProtocolException(ErrorCode.MALFORMED,
              "The length of frame " + frames.size() + " in the body is not a minimal varint.");
        }
        length |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
        if (shift >= MAX_LENGTH_SHIFT) {
          throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "The length of frame "
              + frames.size() + " in the body is over " + maxFrameBytes + " bytes.");
        }
      }
      if (length > maxFrameBytes) {
        throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "Frame " + frames.size()
            + " in the body is " + length + " bytes, over the limit of " + maxFrameBytes + ".");
      }
      if (length > body.length - pos) {
        throw new ProtocolException(ErrorCode.TRUNCATED, "Frame " + frames.size() + " says "
            + length + " bytes but the body has " + (body.length - pos) + " left.");
      }
      pos += (int) length;
      byte[] frame = new byte[pos - start];
      System.arraycopy(body, start, frame, 0, frame.length);
      frames.add(frame);
    }
    return frames;
  }
}

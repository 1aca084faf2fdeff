package io.syncline.persist.file.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Constants and framing of write-ahead log segments. All integers are big-endian.
 *
 * <pre>
 * segment header (31 bytes)
 *   magic        4 bytes  "SLWL"
 *   nameLength   u8       12
 *   name         bytes    "syncline-wal"
 *   version      u16      1
 *   base         u64      log position of the segment's first byte
 *   crc          u32      CRC32C of the preceding header bytes
 * then records, back to back
 *   length       u32      payload length
 *   crc          u32      CRC32C of the 4 length bytes followed by the payload
 *   payload      bytes
 * </pre>
 *
 * A log position is a segment's {@code base} plus a byte offset inside that segment file; the
 * next segment's base is the previous base plus the previous file's length, so positions grow
 * without gaps across segments. Because the length is covered by the checksum, a zero-filled or
 * torn tail never parses as a record.
 */
public final class WalFormat {
  public static final int MAGIC = 0x534C574C; // "SLWL"
  public static final String NAME = "syncline-wal";
  public static final int VERSION = 1;
  public static final int HEADER_LENGTH = 4 + 1 + 12 + 2 + 8 + 4;
  public static final int FRAME_OVERHEAD = 8;
  public static final String SEGMENT_PREFIX = "wal-";
  public static final String SEGMENT_SUFFIX = ".log";
  public static final String CHECKPOINT_FILE = "wal.checkpoint";
  public static final String CHECKPOINT_FORMAT = "syncline-wal-checkpoint";
  public static final int CHECKPOINT_VERSION = 1;

  private WalFormat() {}

  /** The file name of the segment starting at {@code base}. */
  public static String segmentName(long base) {
    return SEGMENT_PREFIX + String.format("%016x", base) + SEGMENT_SUFFIX;
  }

  /** The base of a segment file, or -1 if the name is not a segment name. */
  public static long parseSegmentBase(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)
        || name.length() != SEGMENT_PREFIX.length() + 16 + SEGMENT_SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(name.substring(SEGMENT_PREFIX.length(),
          SEGMENT_PREFIX.length() + 16), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Encodes a segment header. */
  public static ByteBuffer header(long base) {
    ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
    header.putInt(MAGIC).put((byte) NAME.length()).put(NAME.getBytes(StandardCharsets.US_ASCII));
    header.putShort((short) VERSION).putLong(base);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, header.position());
    header.putInt((int) crc.getValue());
    return header.flip();
  }

  /** Frames one record. */
  public static ByteBuffer frame(byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(FRAME_OVERHEAD + payload.length);
    frame.putInt(payload.length);
    frame.putInt(recordCrc(frame.array(), 0, payload, 0, payload.length));
    frame.put(payload);
    return frame.flip();
  }

  /** The checksum of a record: CRC32C of its 4 length bytes, then its payload. */
  static int recordCrc(byte[] lengthBytes, int lengthOffset, byte[] payload, int offset, int len) {
    CRC32C crc = new CRC32C();
    crc.update(lengthBytes, lengthOffset, 4);
    crc.update(payload, offset, len);
    return (int) crc.getValue();
  }
}

package io.syncline.persist.file.internal;

import io.syncline.persist.file.CorruptFileException;
import io.syncline.persist.file.CorruptFileException.Reason;
import io.syncline.persist.file.FileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Reads the header and the records of one write-ahead log segment through a read buffer. */
public final class WalSegmentReader {
  private static final int BUFFER_SIZE = 64 * 1024;

  /** Receives each valid record; {@code offset} is the frame's offset in the segment file. */
  @FunctionalInterface
  public interface Visitor {
    void record(long offset, byte[] payload);
  }

  /**
   * The outcome of a scan.
   *
   * @param validEnd the offset just after the last valid record
   * @param problem why scanning stopped before {@code limit}, or null if it reached it cleanly
   */
  public record Scan(long validEnd, String problem, Reason reason) {}

  private final FileSystem.Handle handle;
  private final long limit;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
  private long bufferStart;
  private int bufferLength;

  /** Reads {@code handle} up to byte offset {@code limit}. */
  public WalSegmentReader(FileSystem.Handle handle, long limit) {
    this.handle = handle;
    this.limit = limit;
  }

  /**
   * Checks a segment header.
   *
   * @return null if the header is incomplete or fails its checksum (a torn creation)
   * @throws CorruptFileException if the header is intact but not a supported segment header, or
   *     records a different base than the file name
   */
  public Long readHeader(long expectedBase) throws IOException {
    byte[] bytes = read(0, WalFormat.HEADER_LENGTH);
    if (bytes == null) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, WalFormat.HEADER_LENGTH - 4);
    if (in.getInt(WalFormat.HEADER_LENGTH - 4) != (int) crc.getValue()) {
      return null;
    }
    if (in.getInt() != WalFormat.MAGIC) {
      throw new CorruptFileException(handle.path(), 0, Reason.WRONG_MAGIC,
          "it does not start with the write-ahead log magic number.");
    }
    byte[] name = new byte[in.get() & 0xFF];
    if (name.length != WalFormat.NAME.length()) {
      throw wrongFormat();
    }
    in.get(name);
    if (!WalFormat.NAME.equals(new String(name, StandardCharsets.US_ASCII))) {
      throw wrongFormat();
    }
    int version = in.getShort() & 0xFFFF;
    if (version != WalFormat.VERSION) {
      throw new CorruptFileException(handle.path(), 17, Reason.UNSUPPORTED_VERSION,
          "its log format version " + version + " is not supported (this reader reads version "
              + WalFormat.VERSION + ").");
    }
    long base = in.getLong();
    if (base != expectedBase) {
      throw new CorruptFileException(handle.path(), 19, Reason.MALFORMED,
          "its header says it starts at log position " + base + " but its name says "
              + expectedBase + ".");
    }
    return base;
  }

  private CorruptFileException wrongFormat() {
    return new CorruptFileException(handle.path(), 4, Reason.WRONG_FORMAT,
        "it is not a '" + WalFormat.NAME + "' segment.");
  }

  /** Reads records from {@code start} (a frame boundary) until {@code limit} or a bad frame. */
  public Scan scan(long start, int maxRecordSize, Visitor visitor) throws IOException {
    long offset = start;
    while (offset < limit) {
      byte[] head = read(offset, WalFormat.FRAME_OVERHEAD);
      if (head == null) {
        return new Scan(offset, "the log ends inside a record header", Reason.TRUNCATED);
      }
      ByteBuffer in = ByteBuffer.wrap(head);
      int length = in.getInt();
      int storedCrc = in.getInt();
      if (length < 0 || length > maxRecordSize) {
        return new Scan(offset, "a record claims an impossible length of "
            + Integer.toUnsignedString(length) + " bytes", Reason.MALFORMED);
      }
      byte[] payload = read(offset + WalFormat.FRAME_OVERHEAD, length);
      if (payload == null) {
        return new Scan(offset, "the log ends inside a record of " + length + " bytes",
            Reason.TRUNCATED);
      }
      if (WalFormat.recordCrc(head, 0, payload, 0, length) != storedCrc) {
        return new Scan(offset, "a record of " + length + " bytes fails its CRC32C checksum",
            Reason.CHECKSUM_MISMATCH);
      }
      if (visitor != null) {
        visitor.record(offset, payload);
      }
      offset += WalFormat.FRAME_OVERHEAD + length;
    }
    return new Scan(offset, null, null);
  }

  /** The bytes [position, position + n), or null if they extend past the limit or the file. */
  private byte[] read(long position, int n) throws IOException {
    if (position + n > limit) {
      return null;
    }
    byte[] out = new byte[n];
    if (n > BUFFER_SIZE) {
      ByteBuffer direct = ByteBuffer.wrap(out);
      return readFully(direct, position) ? out : null;
    }
    if (position < bufferStart || position + n > bufferStart + bufferLength) {
      buffer.clear().limit((int) Math.min(BUFFER_SIZE, limit - position));
      readFully(buffer, position);
      bufferStart = position;
      bufferLength = buffer.position();
      if (n > bufferLength) {
        return null;
      }
    }
    System.arraycopy(buffer.array(), (int) (position - bufferStart), out, 0, n);
    return out;
  }

  private boolean readFully(ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int read = handle.read(dst, at);
      if (read < 0) {
        return false;
      }
      at += read;
    }
    return true;
  }
}

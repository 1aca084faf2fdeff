package io.syncline.core.internal;

import io.syncline.core.CorruptDataException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote, bounds-checking every read against the input so that
 * truncated or hostile bytes throw {@link CorruptDataException} and never allocate by an
 * untrusted length.
 */
public final class ByteReader {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final byte[] buf;
  private final int limit;
  private final String what;
  private int pos;

  public ByteReader(byte[] buf, String what) {
    this(buf, 0, buf.length, what);
  }

  public ByteReader(byte[] buf, int offset, int limit, String what) {
    this.buf = buf;
    this.pos = offset;
    this.limit = limit;
    this.what = what;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return limit - pos;
  }

  public CorruptDataException corrupt(String problem) {
    return new CorruptDataException("Corrupt " + what + " at byte " + pos + ": " + problem);
  }

  private void need(int n) {
    if (n < 0 || limit - pos < n) {
      throw corrupt("truncated (needs " + n + " more bytes, " + (limit - pos) + " left)");
    }
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public int readIntLE() {
    need(4);
    int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  public long readLongLE() {
    need(8);
    long v = (long) LONG_LE.get(buf, pos);
    pos += 8;
    return v;
  }

  public long readVarint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw corrupt("truncated varint");
      }
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (shift == 63 && (b & 0x7E) != 0) {
          throw corrupt("varint overflows 64 bits");
        }
        return v;
      }
    }
    throw corrupt("varint longer than 10 bytes");
  }

  public long readZigzag() {
    long v = readVarint();
    return (v >>> 1) ^ -(v & 1);
  }

  /**
   * Reads a count of items that each take at least {@code minBytesEach} bytes, refusing counts
   * the remaining input cannot hold (so callers may allocate by the result).
   */
  public int readCount(int minBytesEach) {
    long n = readVarint();
    if (n < 0 || n > (long) remaining() / Math.max(1, minBytesEach)) {
      throw corrupt("count " + Long.toUnsignedString(n) + " exceeds what the remaining " + remaining() + " bytes can hold");
    }
    return (int) n;
  }

  public String readString() {
    int len = readCount(1);
    int start = pos;
    pos += len;
    if (!isAscii(buf, start, len)) {
      return decodeUtf8(start, len);
    }
    return new String(buf, start, len, StandardCharsets.ISO_8859_1);
  }

  /** True if {@code b[off, off + len)} holds only ASCII bytes; eight at a time. */
  static boolean isAscii(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    long seen = 0;
    for (; i <= end - 8; i += 8) {
      seen |= (long) LONG_LE.get(b, i);
    }
    for (; i < end; i++) {
      seen |= b[i];
    }
    return (seen & HIGH_BITS) == 0;
  }

  private String decodeUtf8(int start, int len) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, start, len))
          .toString();
    } catch (CharacterCodingException e) {
      throw corrupt("string is not valid UTF-8");
    }
  }

  /**
   * Validates and skips a string without materialising it; returns where its UTF-8 bytes are in
   * {@link #array()} as a {@link TableData#textRef}.
   */
  public long readTextRef() {
    int len = skipString();
    return TableData.textRef(pos - len, len);
  }

  /** The input array (the positions this reader returns index into it). */
  public byte[] array() {
    return buf;
  }

  /** Validates and skips a string without materialising it; returns its byte length. */
  public int skipString() {
    int len = readCount(1);
    int start = pos;
    pos += len;
    if (!isAscii(buf, start, len)) {
      decodeUtf8(start, len);
    }
    return len;
  }

  /**
   * Reads {@code varint shared, string suffix} and returns the id made of the first
   * {@code shared} bytes of {@code prev} (the previous id's UTF-8 bytes, {@code prevLen} long)
   * and the suffix; leaves the new id's bytes in {@code prev} (which it may grow).
   */
  public PrefixedId readPrefixed(byte[] prev, int prevLen, boolean materialize) {
    long shared = readVarint();
    if (shared < 0 || shared > prevLen) {
      throw corrupt("row id shares " + Long.toUnsignedString(shared) + " bytes with a previous id of " + prevLen);
    }
    int suffix = readCount(1);
    int len = (int) shared + suffix;
    byte[] bytes = prev.length >= len ? prev : java.util.Arrays.copyOf(prev, Math.max(len, prev.length * 2));
    System.arraycopy(buf, pos, bytes, (int) shared, suffix);
    pos += suffix;
    String id = null;
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (materialize || !ascii) {
      id = ascii ? new String(bytes, 0, len, StandardCharsets.ISO_8859_1) : decodeUtf8Bytes(bytes, len);
    }
    return new PrefixedId(id, bytes, len);
  }

  /** A row id read by {@link #readPrefixed}: the string (null if not materialised) and its bytes. */
  public record PrefixedId(String id, byte[] bytes, int length) {}

  private String decodeUtf8Bytes(byte[] bytes, int len) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, len))
          .toString();
    } catch (CharacterCodingException e) {
      throw corrupt("row id is not valid UTF-8");
    }
  }

  public void expectEnd() {
    if (pos != limit) {
      throw corrupt((limit - pos) + " unexpected trailing bytes");
    }
  }
}

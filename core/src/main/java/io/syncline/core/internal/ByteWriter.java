package io.syncline.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer with LEB128 varints; the writing half of the core codec. */
public final class ByteWriter {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int pos;

  public ByteWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  public int position() {
    return pos;
  }

  /** Discards everything written after {@code position}. */
  public void truncate(int position) {
    if (position < 0 || position > pos) {
      throw new IllegalArgumentException("truncate to " + position + " outside 0.." + pos);
    }
    pos = position;
  }

  public void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  public void writeIntLE(int v) {
    ensure(4);
    buf[pos] = (byte) v;
    buf[pos + 1] = (byte) (v >>> 8);
    buf[pos + 2] = (byte) (v >>> 16);
    buf[pos + 3] = (byte) (v >>> 24);
    pos += 4;
  }

  public void writeLongLE(long v) {
    ensure(8);
    putLongLE(buf, pos, v);
    pos += 8;
  }

  /** Unsigned LEB128; {@code v} is treated as unsigned. */
  public void writeVarint(long v) {
    if ((v & ~0x7FL) == 0 && pos < buf.length) {
      buf[pos++] = (byte) v;
      return;
    }
    ensure(10);
    pos = putVarint(buf, pos, v);
  }

  public void writeZigzag(long v) {
    writeVarint(zigzag(v));
  }

  public static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  /**
   * Writes {@code v} as an unsigned varint at {@code b[p]} and returns the position after it; the
   * caller has made room (at most ten bytes). For loops that keep the write position in a local.
   */
  public static int putVarint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** Writes {@code v} as eight little-endian bytes at {@code b[p]}; the caller has made room. */
  public static void putLongLE(byte[] b, int p, long v) {
    LONG_LE.set(b, p, v);
  }

  /**
   * Makes room for {@code more} bytes after the position and returns the backing array, for a
   * caller that writes into it directly and then calls {@link #moveTo}.
   */
  public byte[] room(int more) {
    ensure(more);
    return buf;
  }

  /** Sets the position, after writing directly into {@link #room}; must stay within the array. */
  public void moveTo(int position) {
    if (position < 0 || position > buf.length) {
      throw new IllegalArgumentException("position " + position + " outside 0.." + buf.length);
    }
    pos = position;
  }

  static final int MAX_MOVE = 64 * 1024;

  /** Reserves five bytes for a count to be filled by {@link #patchCount}; returns the position. */
  public int reserveCount() {
    ensure(5);
    int at = pos;
    pos += 5;
    return at;
  }

  /**
   * Writes {@code count} at a position from {@link #reserveCount}: as a minimal varint, moving
   * what was written after it back, if that is at most {@value #MAX_MOVE} bytes (a small delta
   * then carries no padding); otherwise as a five-byte (padded) varint, which readers accept, so
   * that a large section is not moved. Positions taken after {@code at} are invalid afterwards.
   */
  public void patchCount(int at, int count) {
    int tail = pos - (at + 5);
    if (tail <= MAX_MOVE && count >= 0) {
      int length = 1;
      for (int v = count >>> 7; v != 0; v >>>= 7) {
        length++;
      }
      System.arraycopy(buf, at + 5, buf, at + length, tail);
      pos -= 5 - length;
      putVarint(buf, at, count);
      return;
    }
    buf[at] = (byte) ((count & 0x7F) | 0x80);
    buf[at + 1] = (byte) (((count >>> 7) & 0x7F) | 0x80);
    buf[at + 2] = (byte) (((count >>> 14) & 0x7F) | 0x80);
    buf[at + 3] = (byte) (((count >>> 21) & 0x7F) | 0x80);
    buf[at + 4] = (byte) ((count >>> 28) & 0x0F);
  }

  /** Writes {@code varint byteLength} and the UTF-8 bytes of {@code s}. */
  public void writeString(String s) {
    writeString(s, 0);
  }

  /** Writes {@code s.substring(from)} as {@link #writeString(String)} does, without making it. */
  public void writeString(String s, int from) {
    int n = s.length() - from;
    ensure(5 + n);
    int lenAt = pos;
    // Fast path: pure ASCII strings (the overwhelming case for ids) are copied char by char.
    if (n < 128) {
      byte[] b = buf;
      int p = pos + 1;
      int seen = 0; // no early exit: a branch-free loop that C2 unrolls; ASCII is checked after
      for (int i = 0; i < n; i++) {
        char c = s.charAt(from + i);
        seen |= c;
        b[p + i] = (byte) c;
      }
      if (seen < 0x80) {
        b[lenAt] = (byte) n;
        pos = p + n;
        return;
      }
    }
    writeStringSlow(from == 0 ? s : s.substring(from), lenAt);
  }

  private void writeStringSlow(String s, int at) {
    pos = at;
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(b.length);
    writeBytes(b, 0, b.length);
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    if (len <= 32) {
      byte[] out = buf;
      int p = pos;
      for (int i = 0; i < len; i++) {
        out[p + i] = b[off + i];
      }
    } else {
      System.arraycopy(b, off, buf, pos, len);
    }
    pos += len;
  }

  /** The backing array (valid up to {@link #position()}). */
  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }
}

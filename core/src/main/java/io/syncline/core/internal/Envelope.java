package io.syncline.core.internal;

import io.syncline.core.CorruptDataException;
import io.syncline.core.UnsupportedVersionException;
import java.util.zip.CRC32C;

/**
 * The frame around every encoded core object: {@code u8 kind, u8 version, body, u32le CRC32C}
 * where the checksum covers the kind, version and body. A flipped bit anywhere is detected
 * before any field is trusted, the version included: {@link UnsupportedVersionException} means
 * intact bytes of another version, never damage.
 *
 * <p>Objects are written in {@link #VERSION}; every version from {@link #OLDEST_VERSION} on is
 * read, so what a store saved with an earlier build still loads. Version 2 added the column
 * layout of a change block's tables (see {@link ChangeEncoder}); nothing else differs.
 */
public final class Envelope {
  public static final int VERSION = 2;
  public static final int OLDEST_VERSION = 1;

  private Envelope() {}

  public static ByteWriter begin(char kind, int sizeHint) {
    ByteWriter w = new ByteWriter(sizeHint + 6);
    w.writeByte(kind);
    w.writeByte(VERSION);
    return w;
  }

  public static byte[] finish(ByteWriter w) {
    CRC32C crc = new CRC32C();
    crc.update(w.array(), 0, w.position());
    w.writeIntLE((int) crc.getValue());
    return w.toByteArray();
  }

  /** The format version of bytes that {@link #open} accepted. */
  public static int version(byte[] bytes) {
    return bytes[1] & 0xFF;
  }

  /** Checks kind, version and checksum and returns a reader over the body. */
  public static ByteReader open(byte[] bytes, char kind, String what) {
    if (bytes == null) {
      throw new CorruptDataException("Cannot decode a " + what + " from null");
    }
    if (bytes.length < 6) {
      throw new CorruptDataException("Corrupt " + what + ": " + bytes.length + " bytes is shorter than the 6-byte envelope");
    }
    if (bytes[0] != kind) {
      throw new CorruptDataException("Not a " + what + ": kind byte is 0x" + Integer.toHexString(bytes[0] & 0xFF)
          + ", expected '" + kind + "'");
    }
    int end = bytes.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, end);
    int stored = (bytes[end] & 0xFF) | (bytes[end + 1] & 0xFF) << 8 | (bytes[end + 2] & 0xFF) << 16 | (bytes[end + 3] & 0xFF) << 24;
    if ((int) crc.getValue() != stored) {
      throw new CorruptDataException("Corrupt " + what + ": checksum mismatch over " + bytes.length + " bytes");
    }
    // only intact bytes can be from a newer build: a damaged version byte fails the checksum first
    int version = bytes[1] & 0xFF;
    if (version < OLDEST_VERSION || version > VERSION) {
      throw new UnsupportedVersionException("Unsupported " + what + " format version " + version
          + " (this build reads versions " + OLDEST_VERSION + " to " + VERSION + ")", version);
    }
    return new ByteReader(bytes, 2, end, what);
  }
}

package io.syncline.sync;

import io.syncline.core.CorruptDataException;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.ProtocolException;
import java.nio.ByteBuffer;

/**
 * The two cursor forms of {@code docs/protocol.md} section 6: a server's sequence number within
 * one incarnation ({@code 0x01 epoch:i64 sequence:varint}) and a version vector ({@code 0x02}
 * followed by {@link VersionVector#encode()}). The empty cursor means "everything".
 */
public final class Cursors {
  static final int SEQUENCE = 0x01;
  static final int VERSION_VECTOR = 0x02;

  private Cursors() {}

  /** A parsed cursor: exactly one of the two forms, or neither for the empty cursor. */
  public record Parsed(boolean isSequence, long epoch, long sequence, VersionVector vector) {
    static final Parsed EMPTY = new Parsed(false, 0, 0, null);

    public boolean isEmpty() {
      return !isSequence && vector == null;
    }
  }

  /** The sequence cursor for {@code sequence} in incarnation {@code epoch}. */
  public static Bytes sequence(long epoch, long sequence) {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 10);
    b.put((byte) SEQUENCE).putLong(epoch);
    long v = sequence;
    while ((v & ~0x7FL) != 0) {
      b.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return Bytes.of(out);
  }

  /** The version-vector cursor for {@code vector}. */
  public static Bytes versionVector(VersionVector vector) {
    byte[] vv = vector.encode();
    byte[] out = new byte[vv.length + 1];
    out[0] = VERSION_VECTOR;
    System.arraycopy(vv, 0, out, 1, vv.length);
    return Bytes.of(out);
  }

  /**
   * Parses a cursor received from a peer.
   *
   * @param field the message field it came from, for the error message
   * @throws ProtocolException with {@link ErrorCode#BAD_PAYLOAD} if it is neither form
   */
  public static Parsed parse(Bytes cursor, String field) {
    if (cursor.isEmpty()) {
      return Parsed.EMPTY;
    }
    byte[] b = cursor.toByteArray();
    if (b[0] == SEQUENCE) {
      if (b.length < 10) {
        throw bad(field, "a sequence cursor needs at least 10 bytes, has " + b.length);
      }
      long epoch = ByteBuffer.wrap(b, 1, 8).getLong();
      long seq = 0;
      int i = 9;
      for (int shift = 0; ; shift += 7, i++) {
        if (i >= b.length || shift > 56) {
          throw bad(field, "its sequence is not a valid varint");
        }
        seq |= (long) (b[i] & 0x7F) << shift;
        if ((b[i] & 0x80) == 0) {
          break;
        }
      }
      if (i != b.length - 1 || seq < 0) {
        throw bad(field, "it has bytes after its sequence or a negative sequence");
      }
      return new Parsed(true, epoch, seq, null);
    }
    if (b[0] == VERSION_VECTOR) {
      byte[] vv = new byte[b.length - 1];
      System.arraycopy(b, 1, vv, 0, vv.length);
      try {
        return new Parsed(false, 0, 0, VersionVector.decode(vv));
      } catch (CorruptDataException | IllegalArgumentException e) {
        throw new ProtocolException(
            ErrorCode.BAD_PAYLOAD, field + " is not a valid version vector: " + e.getMessage(), e);
      }
    }
    throw bad(field, String.format("its kind byte 0x%02X is unknown", b[0] & 0xFF));
  }

  private static ProtocolException bad(String field, String why) {
    return new ProtocolException(ErrorCode.BAD_PAYLOAD, field + " is not a cursor: " + why + ".");
  }
}

package io.syncline.sync.protocol;

import static io.syncline.sync.protocol.BinaryProtocol.CHANGES_MORE;
import static io.syncline.sync.protocol.BinaryProtocol.HELLO_MAGIC;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_CURSOR_BYTES;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_ENCODINGS;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_ID_BYTES;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_IDS;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_TEXT_BYTES;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_TOKEN_BYTES;
import static io.syncline.sync.protocol.BinaryProtocol.MAX_VARINT_BYTES;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes binary frames into {@link Message}s. Every length and count is checked against its
 * limit and against the bytes left in the frame before anything is allocated, so a hostile frame
 * costs at most its own size. Any defect throws {@link ProtocolException} naming the field.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BinaryReader {
  private final int maxFrameBytes;

  /** A reader that accepts frame bodies up to {@code maxFrameBytes}. */
  public BinaryReader(int maxFrameBytes) {
    if (maxFrameBytes < 1 || maxFrameBytes > BinaryProtocol.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between 1 and " + BinaryProtocol.MAX_FRAME_BYTES + ", was "
              + maxFrameBytes + ".");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Decodes exactly one whole frame; trailing bytes are an error. */
  public Message decode(byte[] frame) {
    Source in = new Source(frame, 0, frame.length);
    MessageType type = type(in.u8("frame.type"));
    long length = in.varint("frame.length");
    checkFrameLength(length);
    if (length != in.remaining()) {
      throw new ProtocolException(
          length > in.remaining() ? ErrorCode.TRUNCATED : ErrorCode.MALFORMED,
          "frame.length says " + length + " bytes but " + in.remaining() + " follow.");
    }
    return body(type, in);
  }

  /**
   * Reads one frame from a stream, or returns null at a clean end of stream (before a frame's
   * first byte).
   *
   * @throws ProtocolException if the frame is malformed, oversized or cut short
   * @throws IOException if the stream fails
   */
  public Message read(InputStream in) throws IOException {
    int typeByte = in.read();
    if (typeByte < 0) {
      return null;
    }
    MessageType type = type(typeByte);
    long length = 0;
    for (int shift = 0, i = 0; ; shift += 7, i++) {
      int b = in.read();
      if (b < 0) {
        throw new ProtocolException(ErrorCode.TRUNCATED, "frame.length is cut short.");
      }
      if (i == 4 && (b & 0x80) != 0) {
        throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "frame.length is over 2^35.");
      }
      if (i > 0 && b == 0) {
        throw new ProtocolException(ErrorCode.MALFORMED, "frame.length is not a minimal varint.");
      }
      length |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    checkFrameLength(length);
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new ProtocolException(
          ErrorCode.TRUNCATED,
          "frame body is cut short: " + body.length + " of " + length + " bytes.");
    }
    return body(type, new Source(body, 0, body.length));
  }

  private void checkFrameLength(long length) {
    if (length > maxFrameBytes) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame.length " + length + " is over the limit of " + maxFrameBytes + " bytes.");
    }
  }

  private static MessageType type(int code) {
    MessageType type = MessageType.ofCode(code);
    if (type == null) {
      throw new ProtocolException(
          ErrorCode.UNKNOWN_TYPE, String.format("frame.type 0x%02X is not a known message.", code));
    }
    return type;
  }

  private static Message body(MessageType type, Source in) {
    Message m;
    try {
      m = switch (type) {
        case HELLO -> hello(in);
        case WELCOME -> welcome(in);
        case PUSH -> new Message.Push(
            in.varint("Push.id"), payloadFormat(in.u8("Push.format")),
            in.bytes("Push.payload", Integer.MAX_VALUE));
        case ACK -> new Message.Ack(ids(in, "Ack.ids"), in.bytes("Ack.cursor", MAX_CURSOR_BYTES));
        case REFUSE -> new Message.Refuse(
            ids(in, "Refuse.ids"), in.varint32("Refuse.code"),
            in.string("Refuse.message", MAX_TEXT_BYTES));
        case PULL -> new Message.Pull(in.bytes("Pull.cursor", MAX_CURSOR_BYTES));
        case CHANGES -> changes(in);
        case POKE -> new Message.Poke(in.bytes("Poke.cursor", MAX_CURSOR_BYTES));
        case PING -> new Message.Ping(in.i64("Ping.nonce"), in.i64("Ping.sentAtMillis"));
        case PONG -> new Message.Pong(
            in.i64("Pong.nonce"), in.i64("Pong.pingSentAtMillis"), in.i64("Pong.sentAtMillis"));
        case ERROR -> error(in);
        case BYE -> new Message.Bye(in.string("Bye.reason", MAX_TEXT_BYTES));
      };
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, e.getMessage(), e);
    }
    if (in.remaining() != 0) {
      throw new ProtocolException(
          ErrorCode.MALFORMED,
          in.remaining() + " unexpected bytes after the last field of " + type.jsonName() + ".");
    }
    return m;
  }

  private static Message hello(Source in) {
    int magic = (int) in.i32("Hello.magic");
    if (magic != HELLO_MAGIC) {
      throw new ProtocolException(
          ErrorCode.MALFORMED, String.format("Hello.magic is 0x%08X, not \"SYNL\".", magic));
    }
    int min = in.varint32("Hello.minVersion");
    int max = in.varint32("Hello.maxVersion");
    String storeId = in.string("Hello.storeId", MAX_ID_BYTES);
    String replicaId = in.string("Hello.replicaId", MAX_ID_BYTES);
    String token = in.string("Hello.token", MAX_TOKEN_BYTES);
    int count = in.count("Hello.encodings", MAX_ENCODINGS, 1);
    List<Encoding> encodings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int code = in.u8("Hello.encodings[" + i + "]");
      Encoding e = Encoding.ofCode(code);
      if (e != null) {
        encodings.add(e); // unknown encodings from newer clients are skipped, not errors
      }
    }
    if (encodings.isEmpty()) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_ENCODING, "Hello.encodings names no encoding this peer knows.");
    }
    Bytes cursor = in.bytes("Hello.cursor", MAX_CURSOR_BYTES);
    return new Message.Hello(min, max, storeId, replicaId, token, encodings, cursor);
  }

  private static Message welcome(Source in) {
    int version = in.varint32("Welcome.version");
    int code = in.u8("Welcome.encoding");
    Encoding encoding = Encoding.ofCode(code);
    if (encoding == null) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_ENCODING, "Welcome.encoding " + code + " is not known.");
    }
    String replicaId = in.string("Welcome.replicaId", MAX_ID_BYTES);
    SessionLimits limits = new SessionLimits(
        in.varint32("Welcome.maxFrameBytes"),
        in.varint32("Welcome.maxInFlightPushes"),
        in.varint32("Welcome.heartbeatMillis"));
    return new Message.Welcome(version, encoding, replicaId, limits);
  }

  private static Message changes(Source in) {
    int flags = in.u8("Changes.flags");
    if ((flags & ~CHANGES_MORE) != 0) {
      throw new ProtocolException(
          ErrorCode.MALFORMED, String.format("Changes.flags 0x%02X sets reserved bits.", flags));
    }
    Bytes cursor = in.bytes("Changes.cursor", MAX_CURSOR_BYTES);
    Bytes delta = in.bytes("Changes.delta", Integer.MAX_VALUE);
    return new Message.Changes(delta, cursor, (flags & CHANGES_MORE) != 0);
  }

  private static Message error(Source in) {
    int code = in.varint32("Error.code");
    boolean fatal = in.bool("Error.fatal");
    return new Message.Error(code, in.string("Error.message", MAX_TEXT_BYTES), fatal);
  }

  private static PayloadFormat payloadFormat(int code) {
    PayloadFormat f = PayloadFormat.ofCode(code);
    if (f == null) {
      throw new ProtocolException(ErrorCode.MALFORMED, "Push.format " + code + " is not known.");
    }
    return f;
  }

  private static List<Long> ids(Source in, String field) {
    int count = in.count(field, MAX_IDS, 1);
    List<Long> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(in.varint(field + "[" + i + "]"));
    }
    return ids;
  }

  /** A bounds-checked view of a frame body. */
  private static final class Source {
    private final byte[] data;
    private int pos;
    private final int end;

    Source(byte[] data, int pos, int end) {
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    int remaining() {
      return end - pos;
    }

    private void need(String field, long n) {
      if (n > remaining()) {
        throw new ProtocolException(
            ErrorCode.TRUNCATED,
            field + " needs " + n + " bytes but only " + remaining() + " are left in the frame.");
      }
    }

    int u8(String field) {
      need(field, 1);
      return data[pos++] & 0xFF;
    }

    boolean bool(String field) {
      int b = u8(field);
      if (b > 1) {
        throw new ProtocolException(ErrorCode.MALFORMED, field + " is " + b + ", not 0 or 1.");
      }
      return b == 1;
    }

    long i32(String field) {
      need(field, 4);
      long v = ByteBuffer.wrap(data, pos, 4).getInt();
      pos += 4;
      return v;
    }

    long i64(String field) {
      need(field, 8);
      long v = ByteBuffer.wrap(data, pos, 8).getLong();
      pos += 8;
      return v;
    }

    /** An unsigned varint that must fit in a non-negative long. */
    long varint(String field) {
      long v = 0;
      for (int i = 0; i < MAX_VARINT_BYTES; i++) {
        int b = u8(field);
        if (i > 0 && b == 0) {
          throw new ProtocolException(ErrorCode.MALFORMED, field + " is not a minimal varint.");
        }
        if (i == 9 && b > 0) {
          throw new ProtocolException(ErrorCode.MALFORMED, field + " is over 2^63 - 1.");
        }
        v |= (long) (b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new ProtocolException(ErrorCode.MALFORMED, field + " is a varint over 10 bytes.");
    }

    int varint32(String field) {
      long v = varint(field);
      if (v > Integer.MAX_VALUE) {
        throw new ProtocolException(
            ErrorCode.INVALID_FIELD, field + " is " + v + ", over 2^31 - 1.");
      }
      return (int) v;
    }

    /** A count of items each at least {@code minItemBytes} long, checked before allocating. */
    int count(String field, int max, int minItemBytes) {
      long n = varint(field + ".count");
      if (n > max) {
        throw new ProtocolException(
            ErrorCode.LIMIT_EXCEEDED, field + " holds " + n + " items, over the limit of " + max
                + ".");
      }
      need(field, n * minItemBytes);
      return (int) n;
    }

    private int length(String field, int max) {
      long n = varint(field + ".length");
      if (n > max) {
        throw new ProtocolException(
            ErrorCode.LIMIT_EXCEEDED,
            field + " is " + n + " bytes, over the limit of " + max + ".");
      }
      need(field, n);
      return (int) n;
    }

    Bytes bytes(String field, int max) {
      int n = length(field, max);
      byte[] b = new byte[n];
      System.arraycopy(data, pos, b, 0, n);
      pos += n;
      return Bytes.wrap(b);
    }

    String string(String field, int max) {
      int n = length(field, max);
      try {
        String s = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(data, pos, n))
            .toString();
        pos += n;
        return s;
      } catch (CharacterCodingException e) {
        throw new ProtocolException(ErrorCode.MALFORMED, field + " is not valid UTF-8.", e);
      }
    }
  }
}

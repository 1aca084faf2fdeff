package io.syncline.sync.protocol;

import static io.syncline.sync.protocol.BinaryProtocol.CHANGES_MORE;
import static io.syncline.sync.protocol.BinaryProtocol.HELLO_MAGIC;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes {@link Message}s into binary frames. Refuses to produce a frame over its limit, so a
 * peer never receives a frame it must reject.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BinaryWriter {
  private final int maxFrameBytes;

  /** A writer that produces frame bodies up to {@code maxFrameBytes}. */
  public BinaryWriter(int maxFrameBytes) {
    if (maxFrameBytes < 1 || maxFrameBytes > BinaryProtocol.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between 1 and " + BinaryProtocol.MAX_FRAME_BYTES + ", was "
              + maxFrameBytes + ".");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * The frame for {@code message}.
   *
   * @throws ProtocolException with {@link ErrorCode#FRAME_TOO_LARGE} if the body is over the limit
   */
  public byte[] encode(Message message) {
    Sink body = new Sink();
    body(message, body);
    if (body.size > maxFrameBytes) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE,
          message.type().jsonName() + " frame body is " + body.size
              + " bytes, over the limit of " + maxFrameBytes + ".");
    }
    Sink frame = new Sink();
    frame.u8(message.type().code());
    frame.varint(body.size);
    frame.raw(body.data, body.size);
    return Arrays.copyOf(frame.data, frame.size);
  }

  /** Writes the frame for {@code message} to {@code out}. */
  public void write(OutputStream out, Message message) throws IOException {
    out.write(encode(message));
  }

  private static void body(Message message, Sink out) {
    switch (message.type()) {
      case HELLO -> {
        Message.Hello m = (Message.Hello) message;
        out.i32(HELLO_MAGIC);
        out.varint(m.minVersion());
        out.varint(m.maxVersion());
        out.string(m.storeId());
        out.string(m.replicaId());
        out.string(m.token());
        out.varint(m.encodings().size());
        m.encodings().forEach(e -> out.u8(e.code()));
        out.bytes(m.cursor());
      }
      case WELCOME -> {
        Message.Welcome m = (Message.Welcome) message;
        out.varint(m.version());
        out.u8(m.encoding().code());
        out.string(m.replicaId());
        out.varint(m.limits().maxFrameBytes());
        out.varint(m.limits().maxInFlightPushes());
        out.varint(m.limits().heartbeatMillis());
      }
      case PUSH -> {
        Message.Push m = (Message.Push) message;
        out.varint(m.id());
        out.u8(m.format().code());
        out.bytes(m.payload());
      }
      case ACK -> {
        Message.Ack m = (Message.Ack) message;
        ids(out, m.ids());
        out.bytes(m.cursor());
      }
      case REFUSE -> {
        Message.Refuse m = (Message.Refuse) message;
        ids(out, m.ids());
        out.varint(m.code());
        out.string(m.message());
      }
      case PULL -> out.bytes(((Message.Pull) message).cursor());
      case CHANGES -> {
        Message.Changes m = (Message.Changes) message;
        out.u8(m.more() ? CHANGES_MORE : 0);
        out.bytes(m.cursor());
        out.bytes(m.delta());
      }
      case POKE -> out.bytes(((Message.Poke) message).cursor());
      case PING -> {
        Message.Ping m = (Message.Ping) message;
        out.i64(m.nonce());
        out.i64(m.sentAtMillis());
      }
      case PONG -> {
        Message.Pong m = (Message.Pong) message;
        out.i64(m.nonce());
        out.i64(m.pingSentAtMillis());
        out.i64(m.sentAtMillis());
      }
      case ERROR -> {
        Message.Error m = (Message.Error) message;
        out.varint(m.code());
        out.u8(m.fatal() ? 1 : 0);
        out.string(m.message());
      }
      case BYE -> out.string(((Message.Bye) message).reason());
    }
  }

  private static void ids(Sink out, List<Long> ids) {
    out.varint(ids.size());
    ids.forEach(out::varint);
  }

  /** A growable byte buffer. */
  private static final class Sink {
    byte[] data = new byte[64];
    int size;

    private void ensure(int more) {
      if (size + more > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
      }
    }

    void u8(int b) {
      ensure(1);
      data[size++] = (byte) b;
    }

    void i32(int v) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        u8(v >>> shift);
      }
    }

    void i64(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        u8((int) (v >>> shift));
      }
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        u8((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      u8((int) v);
    }

    void raw(byte[] b, int len) {
      ensure(len);
      System.arraycopy(b, 0, data, size, len);
      size += len;
    }

    void bytes(Bytes b) {
      varint(b.size());
      raw(b.internalArray(), b.size());
    }

    void string(String s) {
      byte[] b = Check.utf8(s);
      varint(b.length);
      raw(b, b.length);
    }
  }
}

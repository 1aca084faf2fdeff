package io.syncline.sync.protocol;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One protocol message. Every record validates its fields on construction and throws
 * {@link IllegalArgumentException} naming the field; the codecs turn that into a
 * {@link ProtocolException} when the bad value came off the wire. Handle messages with an
 * exhaustive {@code switch (message.type())}.
 *
 * <p>This file holds all twelve records on purpose: together they are the protocol, and reading
 * them side by side against {@code docs/protocol.md} is the point.
 */
public sealed interface Message {
  /** The kind of message, for exhaustive switches. */
  MessageType type();

  /**
   * The client's opening message.
   *
   * @param minVersion lowest protocol version the client speaks, at least 1
   * @param maxVersion highest protocol version the client speaks
   * @param storeId the store to sync
   * @param replicaId the client's replica id
   * @param token bearer token; empty when the client has no credentials
   * @param encodings encodings the client accepts after the handshake, preferred first
   * @param cursor the client's cursor for this store; empty when it has none
   */
  record Hello(
      int minVersion,
      int maxVersion,
      String storeId,
      String replicaId,
      String token,
      List<Encoding> encodings,
      Bytes cursor)
      implements Message {
    public Hello {
      if (minVersion < 1 || maxVersion < minVersion || maxVersion > 0xFFFF) {
        throw new IllegalArgumentException(
            "Hello.minVersion/maxVersion must satisfy 1 <= min <= max <= 65535, were "
                + minVersion + " and " + maxVersion + ".");
      }
      Check.id("Hello.storeId", storeId);
      Check.id("Hello.replicaId", replicaId);
      Check.text("Hello.token", token, BinaryProtocol.MAX_TOKEN_BYTES);
      Check.notNull("Hello.encodings", encodings);
      if (encodings.isEmpty() || encodings.size() > BinaryProtocol.MAX_ENCODINGS
          || encodings.stream().anyMatch(e -> e == null)
          || new LinkedHashSet<>(encodings).size() != encodings.size()) {
        throw new IllegalArgumentException(
            "Hello.encodings must hold 1 to 8 encodings, without nulls or repeats, was " + encodings + ".");
      }
      encodings = List.copyOf(encodings);
      Check.bytes("Hello.cursor", cursor, BinaryProtocol.MAX_CURSOR_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.HELLO;
    }
  }

  /**
   * The server's answer to a Hello it accepts.
   *
   * @param version the protocol version for the session, within the client's range
   * @param encoding the encoding for every frame after this one, from the client's offer
   * @param replicaId the server's (or answering peer's) replica id
   * @param limits limits that hold for the rest of the session
   */
  record Welcome(int version, Encoding encoding, String replicaId, SessionLimits limits)
      implements Message {
    public Welcome {
      if (version < 1 || version > 0xFFFF) {
        throw new IllegalArgumentException(
            "Welcome.version must be between 1 and 65535, was " + version + ".");
      }
      Check.notNull("Welcome.encoding", encoding);
      Check.id("Welcome.replicaId", replicaId);
      Check.notNull("Welcome.limits", limits);
    }

    @Override
    public MessageType type() {
      return MessageType.WELCOME;
    }
  }

  /**
   * Local changes for the receiver to merge.
   *
   * @param id the sender's id for this push, echoed in the Ack or Refuse; the highest local
   *     change log sequence the push covers
   * @param format what {@code payload} is
   * @param payload the core's binary form of a changeset or delta
   */
  record Push(long id, PayloadFormat format, Bytes payload) implements Message {
    public Push {
      Check.nonNegative("Push.id", id);
      Check.notNull("Push.format", format);
      Check.bytes("Push.payload", payload, BinaryProtocol.MAX_FRAME_BYTES);
      if (payload.isEmpty()) {
        throw new IllegalArgumentException("Push.payload must not be empty.");
      }
    }

    @Override
    public MessageType type() {
      return MessageType.PUSH;
    }
  }

  /**
   * The receiver merged (or had already merged) these pushes.
   *
   * @param ids the acknowledged push ids
   * @param cursor the receiver's cursor after merging them; empty if it does not issue cursors
   */
  record Ack(List<Long> ids, Bytes cursor) implements Message {
    public Ack {
      ids = Check.ids("Ack.ids", ids);
      Check.bytes("Ack.cursor", cursor, BinaryProtocol.MAX_CURSOR_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.ACK;
    }
  }

  /**
   * The receiver will never merge these pushes; the sender rolls them back.
   *
   * @param ids the refused push ids
   * @param code why, one of the 2xx {@link ErrorCode}s
   * @param message a sentence for logs and users
   */
  record Refuse(List<Long> ids, int code, String message) implements Message {
    public Refuse {
      ids = Check.ids("Refuse.ids", ids);
      Check.code("Refuse.code", code);
      Check.text("Refuse.message", message, BinaryProtocol.MAX_TEXT_BYTES);
    }

    public Refuse(List<Long> ids, ErrorCode code, String message) {
      this(ids, code.code(), message);
    }

    /** The code as an enum; {@link ErrorCode#UNKNOWN} for codes this version does not know. */
    public ErrorCode errorCode() {
      return ErrorCode.of(code);
    }

    @Override
    public MessageType type() {
      return MessageType.REFUSE;
    }
  }

  /**
   * A request for everything newer than the cursor.
   *
   * @param cursor the last cursor the sender received; empty for "everything"
   */
  record Pull(Bytes cursor) implements Message {
    public Pull {
      Check.bytes("Pull.cursor", cursor, BinaryProtocol.MAX_CURSOR_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.PULL;
    }
  }

  /**
   * The answer to a Pull.
   *
   * @param delta the core's binary form of a delta ({@code Delta#encode()})
   * @param cursor the cursor to send in the next Pull
   * @param more true if the answer continues in further Changes frames
   */
  record Changes(Bytes delta, Bytes cursor, boolean more) implements Message {
    public Changes {
      Check.bytes("Changes.delta", delta, BinaryProtocol.MAX_FRAME_BYTES);
      Check.bytes("Changes.cursor", cursor, BinaryProtocol.MAX_CURSOR_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.CHANGES;
    }
  }

  /**
   * The sender has changes the receiver has not pulled yet; the receiver should Pull.
   *
   * @param cursor the sender's newest cursor, so a receiver already there can skip the Pull;
   *     empty if unknown
   */
  record Poke(Bytes cursor) implements Message {
    public Poke {
      Check.bytes("Poke.cursor", cursor, BinaryProtocol.MAX_CURSOR_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.POKE;
    }
  }

  /**
   * A liveness and round-trip probe.
   *
   * @param nonce any value, echoed in the Pong
   * @param sentAtMillis the sender's clock when sending, in milliseconds
   */
  record Ping(long nonce, long sentAtMillis) implements Message {
    @Override
    public MessageType type() {
      return MessageType.PING;
    }
  }

  /**
   * The answer to a Ping.
   *
   * @param nonce the Ping's nonce
   * @param pingSentAtMillis the Ping's {@code sentAtMillis}, echoed, so the pinger computes RTT
   *     from its own clock only
   * @param sentAtMillis the answerer's clock when sending, for skew estimates
   */
  record Pong(long nonce, long pingSentAtMillis, long sentAtMillis) implements Message {
    @Override
    public MessageType type() {
      return MessageType.PONG;
    }
  }

  /**
   * Something went wrong.
   *
   * @param code one of the 1xx or 0xx {@link ErrorCode}s
   * @param message a sentence naming the message and field at fault
   * @param fatal true if the sender closes the connection after this frame
   */
  record Error(int code, String message, boolean fatal) implements Message {
    public Error {
      Check.code("Error.code", code);
      Check.text("Error.message", message, BinaryProtocol.MAX_TEXT_BYTES);
    }

    public Error(ErrorCode code, String message, boolean fatal) {
      this(code.code(), message, fatal);
    }

    /** The code as an enum; {@link ErrorCode#UNKNOWN} for codes this version does not know. */
    public ErrorCode errorCode() {
      return ErrorCode.of(code);
    }

    @Override
    public MessageType type() {
      return MessageType.ERROR;
    }
  }

  /**
   * The sender closes the session cleanly; nothing follows.
   *
   * @param reason a sentence for logs; may be empty
   */
  record Bye(String reason) implements Message {
    public Bye {
      Check.text("Bye.reason", reason, BinaryProtocol.MAX_TEXT_BYTES);
    }

    @Override
    public MessageType type() {
      return MessageType.BYE;
    }
  }

  /**
   * Makes any string fit a text field (Error.message, Refuse.message, Bye.reason): replaces
   * unpaired surrogates and truncates on a code point boundary, marking the cut with an ellipsis.
   */
  static String fitText(String text) {
    List<Integer> cps = new ArrayList<>();
    int bytes = 0;
    for (int cp : text.codePoints().toArray()) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        cp = 0xFFFD;
      }
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + len > BinaryProtocol.MAX_TEXT_BYTES - 3) {
        break;
      }
      bytes += len;
      cps.add(cp);
    }
    StringBuilder sb = new StringBuilder();
    cps.forEach(sb::appendCodePoint);
    return sb.length() == text.length() ? sb.toString() : sb.append('…').toString();
  }
}

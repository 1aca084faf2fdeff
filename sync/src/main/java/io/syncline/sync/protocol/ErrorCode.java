package io.syncline.sync.protocol;

/**
 * Numeric codes carried by {@link Message.Error} and {@link Message.Refuse}. Codes 1–99 are
 * protocol errors, 100–199 session errors, 200–299 reasons for refusing a changeset. A peer that
 * receives a code it does not know treats it as {@link #UNKNOWN} and keeps the number.
 */
public enum ErrorCode {
  /** A code this implementation does not know. Never sent. */
  UNKNOWN(0),
  /** A field could not be decoded (bad varint, bad UTF-8, bad boolean, trailing bytes). */
  MALFORMED(1),
  /** The frame ended before the field named in the message. */
  TRUNCATED(2),
  /** The frame's declared length is over the session's frame limit. */
  FRAME_TOO_LARGE(3),
  /** The frame's type byte (or JSON "type") names no known message. */
  UNKNOWN_TYPE(4),
  /** A string, byte field or list is longer than the protocol allows. */
  LIMIT_EXCEEDED(5),
  /** A field decoded but its value is out of range (empty id, bad version range, ...). */
  INVALID_FIELD(6),
  /** A well-formed message arrived when the session does not accept it (Push before Hello). */
  UNEXPECTED_MESSAGE(7),
  /** No protocol version in common. */
  UNSUPPORTED_VERSION(8),
  /** No encoding in common. */
  UNSUPPORTED_ENCODING(9),
  /** A payload (changeset, delta, cursor) is not in the core's binary form. */
  BAD_PAYLOAD(10),
  /** The credentials are missing or wrong. */
  UNAUTHORIZED(100),
  /** The credentials are valid but do not grant access to this store. */
  FORBIDDEN(101),
  /** The server hosts no store with this id. */
  UNKNOWN_STORE(102),
  /** Too many messages or bytes; retry later. */
  RATE_LIMITED(103),
  /** The peer is going away. */
  SHUTTING_DOWN(104),
  /** The peer did not answer in time. */
  TIMEOUT(105),
  /** The peer failed; not the sender's fault. */
  INTERNAL(106),
  /** A refused changeset breaks the store's schema. */
  REFUSED_SCHEMA(200),
  /** The sender may not write what the changeset writes. */
  REFUSED_PERMISSION(201),
  /** The changeset is over the size limit. */
  REFUSED_TOO_LARGE(202),
  /** The changeset's stamps are too far in the future. */
  REFUSED_CLOCK_SKEW(203),
  /** The changeset is otherwise invalid (a server rule said no). */
  REFUSED_INVALID(204);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** The code with this number, or {@link #UNKNOWN}. */
  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return UNKNOWN;
  }
}

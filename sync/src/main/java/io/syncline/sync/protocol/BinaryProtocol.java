package io.syncline.sync.protocol;

/**
 * Constants of the binary frame format; {@code docs/protocol.md} is the normative description.
 *
 * <pre>
 * frame   = type:u8  length:varint  body[length]
 * varint  = unsigned LEB128, minimal (no trailing 0x00 group), at most 10 bytes
 * string  = length:varint  UTF-8 bytes
 * bytes   = length:varint  raw bytes
 * bool    = u8 0x00 | 0x01
 * i64     = 8 bytes, big-endian two's complement
 * </pre>
 */
public final class BinaryProtocol {
  private BinaryProtocol() {}

  /** The protocol versions this implementation speaks. */
  public static final int MIN_VERSION = 1;

  public static final int MAX_VERSION = 1;

  /** The first four bytes of a Hello body: ASCII "SYNL". */
  public static final int HELLO_MAGIC = 0x53594E4C;

  /** The default limit on a frame body. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  /** No session may allow frames larger than this. */
  public static final int MAX_FRAME_BYTES = 16 << 20;

  /** No session may limit frames to fewer bytes than this (so a Hello always fits). */
  public static final int MIN_MAX_FRAME_BYTES = 16 << 10;

  /** Longest store or replica id, in UTF-8 bytes. */
  public static final int MAX_ID_BYTES = 256;

  /** Longest bearer token, in UTF-8 bytes. */
  public static final int MAX_TOKEN_BYTES = 4096;

  /** Longest human-readable text (error messages, refusal reasons), in UTF-8 bytes. */
  public static final int MAX_TEXT_BYTES = 1024;

  /** Longest cursor, in bytes. */
  public static final int MAX_CURSOR_BYTES = 64 << 10;

  /** Most ids in one Ack or Refuse. */
  public static final int MAX_IDS = 4096;

  /** Most encodings in one Hello. */
  public static final int MAX_ENCODINGS = 8;

  /** Most bytes in a varint. */
  static final int MAX_VARINT_BYTES = 10;

  /** Flag bit of a Changes body: more Changes frames follow. */
  static final int CHANGES_MORE = 0x01;
}

package io.syncline.sync.protocol;

/** The kinds of {@link Message}, with their type byte and JSON name. */
public enum MessageType implements WireName {
  HELLO(0x01, "hello"),
  WELCOME(0x02, "welcome"),
  PUSH(0x03, "push"),
  ACK(0x04, "ack"),
  REFUSE(0x05, "refuse"),
  PULL(0x06, "pull"),
  CHANGES(0x07, "changes"),
  POKE(0x08, "poke"),
  PING(0x09, "ping"),
  PONG(0x0A, "pong"),
  ERROR(0x0B, "error"),
  BYE(0x0C, "bye");

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final String jsonName;

  MessageType(int code, String jsonName) {
    this.code = code;
    this.jsonName = jsonName;
  }

  /** The frame's first byte. */
  @Override
  public int code() {
    return code;
  }

  /** The value of the JSON form's {@code "type"} member. */
  @Override
  public String jsonName() {
    return jsonName;
  }

  /** The type with this byte, or null. */
  public static MessageType ofCode(int code) {
    return code >= 0 && code < 256 ? BY_CODE[code] : null;
  }

  /** The type with this JSON name, or null. */
  public static MessageType ofJsonName(String name) {
    return WireName.byJsonName(values(), name);
  }
}

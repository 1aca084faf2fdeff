package io.syncline.sync.protocol;

/** How frames after the handshake are encoded. Chosen by the server from the client's offer. */
public enum Encoding {
  /** The compact binary form ({@link BinaryProtocol}). */
  BINARY(1, "binary"),
  /** One JSON object per frame, payloads in base64; for debugging ({@link JsonCodec}). */
  JSON(2, "json");

  private final int code;
  private final String jsonName;

  Encoding(int code, String jsonName) {
    this.code = code;
    this.jsonName = jsonName;
  }

  /** The byte on the wire. */
  public int code() {
    return code;
  }

  /** The name in the JSON form. */
  public String jsonName() {
    return jsonName;
  }

  /** The encoding with this wire byte, or null. */
  public static Encoding ofCode(int code) {
    for (Encoding e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return null;
  }

  /** The encoding with this JSON name, or null. */
  public static Encoding ofJsonName(String name) {
    for (Encoding e : values()) {
      if (e.jsonName.equals(name)) {
        return e;
      }
    }
    return null;
  }
}

package io.syncline.sync.protocol;

/** What a {@link Message.Push} carries: the core's binary form of a changeset or of a delta. */
public enum PayloadFormat {
  /** {@code io.syncline.core.Changeset#encode()}. */
  CHANGESET(1, "changeset"),
  /** {@code io.syncline.core.Delta#encode()}. */
  DELTA(2, "delta");

  private final int code;
  private final String jsonName;

  PayloadFormat(int code, String jsonName) {
    this.code = code;
    this.jsonName = jsonName;
  }

  public int code() {
    return code;
  }

  public String jsonName() {
    return jsonName;
  }

  /** The format with this wire byte, or null. */
  public static PayloadFormat ofCode(int code) {
    for (PayloadFormat f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    return null;
  }

  /** The format with this JSON name, or null. */
  public static PayloadFormat ofJsonName(String name) {
    for (PayloadFormat f : values()) {
      if (f.jsonName.equals(name)) {
        return f;
      }
    }
    return null;
  }
}

package io.syncline.sync.protocol;

/** What a {@link Message.Push} carries: the core's binary form of a changeset or of a delta. */
public enum PayloadFormat implements WireName {
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

  @Override
  public int code() {
    return code;
  }

  @Override
  public String jsonName() {
    return jsonName;
  }

  /** The format with this wire byte, or null. */
  public static PayloadFormat ofCode(int code) {
    return WireName.byCode(values(), code);
  }

  /** The format with this JSON name, or null. */
  public static PayloadFormat ofJsonName(String name) {
    return WireName.byJsonName(values(), name);
  }
}

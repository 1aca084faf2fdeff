package io.syncline.sync.protocol;

/** A protocol enum constant with a wire byte and a JSON name, and the lookups they share. */
interface WireName {
  int code();

  String jsonName();

  /** The constant of {@code all} with this wire byte, or null. */
  static <E extends WireName> E byCode(E[] all, int code) {
    for (E e : all) {
      if (e.code() == code) {
        return e;
      }
    }
    return null;
  }

  /** The constant of {@code all} with this JSON name, or null. */
  static <E extends WireName> E byJsonName(E[] all, String name) {
    for (E e : all) {
      if (e.jsonName().equals(name)) {
        return e;
      }
    }
    return null;
  }
}

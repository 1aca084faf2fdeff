package io.syncline.sync.protocol;

import java.util.Arrays;
import java.util.List;

/** How frames after the handshake are encoded. Chosen by the server from the client's offer. */
public enum Encoding implements WireName {
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
  @Override
  public int code() {
    return code;
  }

  /** The name in the JSON form. */
  @Override
  public String jsonName() {
    return jsonName;
  }

  /**
   * True if this process can speak the encoding. {@link #BINARY} always; {@link #JSON} only when
   * Jackson ({@code com.fasterxml.jackson.core:jackson-databind}, an optional dependency of this
   * module) is on the class path. Checking does not load Jackson's classes.
   */
  public boolean isAvailable() {
    return this == BINARY || JacksonPresence.PRESENT;
  }

  /** The encodings {@link #isAvailable} says this process can speak, in declaration order. */
  public static List<Encoding> available() {
    return Arrays.stream(values()).filter(Encoding::isAvailable).toList();
  }

  /** Looked up once, on first use, without initialising any Jackson class. */
  private static final class JacksonPresence {
    static final boolean PRESENT = present();

    private static boolean present() {
      try {
        Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false,
            Encoding.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  /** The encoding with this wire byte, or null. */
  public static Encoding ofCode(int code) {
    return WireName.byCode(values(), code);
  }

  /** The encoding with this JSON name, or null. */
  public static Encoding ofJsonName(String name) {
    return WireName.byJsonName(values(), name);
  }
}

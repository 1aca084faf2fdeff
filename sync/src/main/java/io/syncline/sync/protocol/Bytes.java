package io.syncline.sync.protocol;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes with value equality, so that records holding payloads and
 * cursors compare by content (Okio's {@code ByteString}, reduced to what the protocol needs).
 */
public final class Bytes {
  /** The empty sequence: "no cursor", "no payload". */
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** A copy of {@code data}; later changes to the array do not show. */
  public static Bytes of(byte[] data) {
    if (data == null) {
      throw new IllegalArgumentException("Bytes.of: data is null.");
    }
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  /** Wraps an array the caller promises never to change again. */
  static Bytes wrap(byte[] data) {
    return data.length == 0 ? EMPTY : new Bytes(data);
  }

  /** Decodes standard base64 (RFC 4648 section 4, with padding). */
  public static Bytes fromBase64(String base64) {
    return wrap(Base64.getDecoder().decode(base64));
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  public byte get(int index) {
    return data[index];
  }

  /** A fresh copy of the bytes. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** The bytes without copying; callers in this package must not change them. */
  byte[] internalArray() {
    return data;
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(data);
  }

  public String hex() {
    return HexFormat.of().formatHex(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return data.length <= 32
        ? "[" + hex() + "]"
        : "[" + data.length + " bytes " + HexFormat.of().formatHex(data, 0, 16) + "…]";
  }
}

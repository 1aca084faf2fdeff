package io.syncline.sync.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Validation shared by the message records; failures name the message and field. */
final class Check {
  private Check() {}

  static String id(String field, String value) {
    text(field, value, BinaryProtocol.MAX_ID_BYTES);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty.");
    }
    return value;
  }

  static String text(String field, String value, int maxBytes) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null.");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            field + " contains an unpaired surrogate at index " + i + ".");
      }
    }
    int bytes = utf8Length(value);
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(
          field + " is " + bytes + " UTF-8 bytes, over the limit of " + maxBytes + ".");
    }
    return value;
  }

  static Bytes bytes(String field, Bytes value, int maxBytes) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null.");
    }
    if (value.size() > maxBytes) {
      throw new IllegalArgumentException(
          field + " is " + value.size() + " bytes, over the limit of " + maxBytes + ".");
    }
    return value;
  }

  static List<Long> ids(String field, List<Long> ids) {
    if (ids == null) {
      throw new IllegalArgumentException(field + " must not be null.");
    }
    if (ids.isEmpty() || ids.size() > BinaryProtocol.MAX_IDS) {
      throw new IllegalArgumentException(
          field + " must hold between 1 and " + BinaryProtocol.MAX_IDS + " ids, held "
              + ids.size() + ".");
    }
    for (Long id : ids) {
      nonNegative(field + " element", id == null ? -1 : id);
    }
    return List.copyOf(ids);
  }

  static long nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value + ".");
    }
    return value;
  }

  static int code(String field, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(
          field + " must be between 0 and 65535, was " + value + ".");
    }
    return value;
  }

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null.");
    }
    return value;
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

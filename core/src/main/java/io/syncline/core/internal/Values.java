package io.syncline.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cell value kinds, their storage as {@code (kind, bits, ref)} triples, validation of
 * values offered by callers, and the binary form of JSON trees.
 *
 * <p>The kind codes 1..7 are also the low three bits of a cell's tag on the wire.
 */
public final class Values {
  public static final byte ABSENT = 0;
  public static final byte TOMBSTONE = 1;
  public static final byte STRING = 2;
  public static final byte INTEGER = 3;
  public static final byte DOUBLE = 4;
  public static final byte FALSE = 5;
  public static final byte TRUE = 6;
  public static final byte JSON = 7;

  static final int MAX_JSON_DEPTH = 64;

  private static final byte J_NULL = 0;
  private static final byte J_STRING = 1;
  private static final byte J_INT = 2;
  private static final byte J_DOUBLE = 3;
  private static final byte J_FALSE = 4;
  private static final byte J_TRUE = 5;
  private static final byte J_ARRAY = 6;
  private static final byte J_OBJECT = 7;

  private Values() {}

  /** A caller's value reduced to storage form; {@code where} names the cell for error messages. */
  public record Normalized(byte kind, long bits, Object ref) {}

  /** Returned by {@link #kindOrError} for {@code null}. */
  public static final byte ERR_NULL = -1;
  /** Returned by {@link #kindOrError} for an unsupported type. */
  public static final byte ERR_TYPE = -2;
  /** Returned by {@link #kindOrError} for NaN or an infinity. */
  public static final byte ERR_NOT_FINITE = -3;

  /** The storage kind of {@code v}, or a negative {@code ERR_} code; allocation-free for the hot path. */
  public static byte kindOrError(Object v) {
    if (v instanceof String) {
      return STRING;
    }
    if (v instanceof Long || v instanceof Integer) {
      return INTEGER;
    }
    if (v instanceof Double) {
      double d = (Double) v;
      return Double.isNaN(d) || Double.isInfinite(d) ? ERR_NOT_FINITE : DOUBLE;
    }
    if (v instanceof Boolean b) {
      return b ? TRUE : FALSE;
    }
    if (v == null) {
      return ERR_NULL;
    }
    try {
      return kindOf(v, "");
    } catch (IllegalArgumentException e) {
      return v instanceof Float ? ERR_NOT_FINITE : ERR_TYPE;
    }
  }

  /**
   * The storage kind of {@code v}, or throws {@link IllegalArgumentException} naming {@code where}
   * for {@code null}, an unsupported type, or a non-finite number.
   */
  public static byte kindOf(Object v, String where) {
    if (v instanceof String) {
      return STRING;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return INTEGER;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("Value " + d + " for " + where + " is not a finite number");
      }
      return DOUBLE;
    }
    if (v instanceof Boolean b) {
      return b ? TRUE : FALSE;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      return JSON;
    }
    if (v == null) {
      throw new IllegalArgumentException("Value for " + where + " is null; delete the cell instead");
    }
    throw new IllegalArgumentException("Value for " + where + " has unsupported type " + v.getClass().getName()
        + "; use String, Long/Integer, Double, Boolean, or a JSON Map/List");
  }

  /** The {@code bits} part of a number or boolean of the given kind. */
  public static long bitsOf(Object v, byte kind) {
    switch (kind) {
      case INTEGER:
        return ((Number) v).longValue();
      case DOUBLE:
        return Double.doubleToLongBits(((Number) v).doubleValue());
      default:
        return 0;
    }
  }

  /** The {@code ref} part: the string, or an immutable normalized deep copy of a JSON tree. */
  public static Object refOf(Object v, byte kind, String where) {
    if (kind == STRING) {
      return v;
    }
    if (kind == JSON) {
      return copyJson(v, where, 0);
    }
    return null;
  }

  /** The value a caller reads back for a stored triple; {@code null} for absent or deleted. */
  public static Object toObject(byte kind, long bits, Object ref) {
    switch (kind) {
      case STRING:
      case JSON:
        return ref;
      case INTEGER:
        return bits;
      case DOUBLE:
        return Double.longBitsToDouble(bits);
      case FALSE:
        return Boolean.FALSE;
      case TRUE:
        return Boolean.TRUE;
      default:
        return null;
    }
  }

  /**
   * A total order on contents, used only to break ties between different contents with
   * identical stamps (a client-id collision), so every replica keeps the same one.
   */
  public static int compareContent(byte k1, long b1, Object r1, byte k2, long b2, Object r2) {
    if (k1 != k2) {
      return Byte.compare(k1, k2);
    }
    switch (k1) {
      case STRING:
        return ((String) r1).compareTo((String) r2);
      case INTEGER:
      case DOUBLE:
        return Long.compare(b1, b2);
      case JSON:
        return Arrays.compare(encodeJson(r1), encodeJson(r2));
      default:
        return 0;
    }
  }

  private static Object copyJson(Object v, String where, int depth) {
    if (depth > MAX_JSON_DEPTH) {
      throw new IllegalArgumentException("JSON value for " + where + " is nested deeper than " + MAX_JSON_DEPTH);
    }
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON value for " + where + " contains the non-finite number " + d);
      }
      return d;
    }
    if (v instanceof Map<?, ?> m) {
      LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object for " + where + " has a non-string key " + e.getKey());
        }
        copy.put(key, copyJson(e.getValue(), where, depth + 1));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (v instanceof List<?> l) {
      ArrayList<Object> copy = new ArrayList<>(l.size());
      for (Object o : l) {
        copy.add(copyJson(o, where, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException("JSON value for " + where + " contains unsupported type " + v.getClass().getName());
  }

  public static byte[] encodeJson(Object v) {
    ByteWriter w = new ByteWriter(64);
    writeJson(w, v);
    return w.toByteArray();
  }

  public static void writeJson(ByteWriter w, Object v) {
    if (v == null) {
      w.writeByte(J_NULL);
    } else if (v instanceof String s) {
      w.writeByte(J_STRING);
      w.writeString(s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      w.writeByte(J_INT);
      w.writeZigzag(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON value contains the non-finite number " + d);
      }
      w.writeByte(J_DOUBLE);
      w.writeLongLE(Double.doubleToLongBits(d));
    } else if (v instanceof Boolean b) {
      w.writeByte(b ? J_TRUE : J_FALSE);
    } else if (v instanceof List<?> list) {
      w.writeByte(J_ARRAY);
      w.writeVarint(list.size());
      for (Object o : list) {
        writeJson(w, o);
      }
    } else if (v instanceof Map<?, ?> map) {
      w.writeByte(J_OBJECT);
      w.writeVarint(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        w.writeString((String) e.getKey());
        writeJson(w, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("Not a normalized JSON value: " + v.getClass().getName());
    }
  }

  public static Object readJson(ByteReader r) {
    return readJson(r, 0);
  }

  private static Object readJson(ByteReader r, int depth) {
    if (depth > MAX_JSON_DEPTH) {
      throw r.corrupt("JSON nested deeper than " + MAX_JSON_DEPTH);
    }
    int tag = r.readByte();
    switch (tag) {
      case J_NULL:
        return null;
      case J_STRING:
        return r.readString();
      case J_INT:
        return r.readZigzag();
      case J_DOUBLE: {
        double d = Double.longBitsToDouble(r.readLongLE());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw r.corrupt("JSON number is not finite");
        }
        return d;
      }
      case J_FALSE:
        return Boolean.FALSE;
      case J_TRUE:
        return Boolean.TRUE;
      case J_ARRAY: {
        int n = r.readCount(1);
        ArrayList<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readJson(r, depth + 1));
        }
        return Collections.unmodifiableList(list);
      }
      case J_OBJECT: {
        int n = r.readCount(2);
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String key = r.readString();
          map.put(key, readJson(r, depth + 1));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        throw r.corrupt("unknown JSON tag " + tag);
    }
  }
}

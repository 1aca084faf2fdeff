package io.syncline.bench;

/** A minimal hand-written JSON writer (no library): objects, arrays, strings, numbers, booleans. */
public final class Json {
  private final StringBuilder sb = new StringBuilder(512);
  private boolean first = true;

  /** Starts an object as a value (top level or array element). */
  public Json obj() {
    sep();
    sb.append('{');
    first = true;
    return this;
  }

  /** Starts an object under a key. */
  public Json obj(String key) {
    key(key);
    sb.append('{');
    first = true;
    return this;
  }

  public Json arr(String key) {
    key(key);
    sb.append('[');
    first = true;
    return this;
  }

  public Json end() {
    sb.append('}');
    first = false;
    return this;
  }

  public Json endArr() {
    sb.append(']');
    first = false;
    return this;
  }

  public Json str(String key, String v) {
    key(key);
    quote(v);
    return this;
  }

  public Json num(String key, long v) {
    key(key);
    sb.append(v);
    return this;
  }

  public Json num(String key, double v) {
    key(key);
    number(v);
    return this;
  }

  public Json bool(String key, boolean v) {
    key(key);
    sb.append(v);
    return this;
  }

  /** A number as an array element. */
  public Json elem(double v) {
    sep();
    number(v);
    return this;
  }

  /** A string as an array element. */
  public Json elem(String v) {
    sep();
    quote(v);
    return this;
  }

  private void number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) sb.append("null");
    else if (v == Math.rint(v) && Math.abs(v) < 1e15) sb.append((long) v);
    else sb.append(v);
  }

  private void key(String k) {
    sep();
    quote(k);
    sb.append(':');
  }

  private void sep() {
    if (!first) sb.append(',');
    first = false;
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
          else sb.append(ch);
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}

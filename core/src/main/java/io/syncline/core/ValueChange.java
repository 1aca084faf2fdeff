package io.syncline.core;

import java.util.Objects;

/** A stamped write ({@code value != null}) or delete ({@code value == null}) of one top-level value. */
public record ValueChange(String id, Object value, Stamp stamp) implements Change {
  public ValueChange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stamp, "stamp");
  }
}

package io.syncline.core;

import java.util.Objects;

/**
 * The rule for one cell of a table (or one value): its type, an optional default, and whether a
 * live row must have it.
 *
 * <p>A default is filled in when reading a live row that lacks the cell; it is never written,
 * so it can never overwrite data synced from another replica. A required cell with a default is
 * always satisfied.
 */
public record CellSchema(CellType type, Object defaultValue, boolean required) {
  public CellSchema {
    Objects.requireNonNull(type, "type");
  }

  public static CellSchema of(CellType type) {
    return new CellSchema(type, null, false);
  }

  public CellSchema withDefault(Object value) {
    return new CellSchema(type, Objects.requireNonNull(value, "default value"), required);
  }

  public CellSchema asRequired() {
    return new CellSchema(type, defaultValue, true);
  }
}

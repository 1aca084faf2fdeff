package io.syncline.core;

import java.util.Objects;

/** A stamped write ({@code value != null}) or delete ({@code value == null}) of one cell. */
public record CellChange(String table, String row, String cell, Object value, Stamp stamp) implements Change {
  public CellChange {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(cell, "cell");
    Objects.requireNonNull(stamp, "stamp");
  }
}

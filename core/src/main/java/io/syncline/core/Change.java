package io.syncline.core;

/**
 * One stamped change to one cell or one top-level value. A {@code null} value is a tombstone:
 * the cell or value was deleted at that stamp.
 */
public sealed interface Change permits CellChange, ValueChange {
  /** The new value, or {@code null} for a delete. */
  Object value();

  Stamp stamp();

  default boolean isDelete() {
    return value() == null;
  }
}

package io.syncline.core;

/** The type a {@link Schema} gives a cell or value. */
public enum CellType {
  /** A {@code String}. */
  STRING,
  /** A whole number, read back as {@code Long}; decimals are refused. */
  INTEGER,
  /** Any finite number, stored and read back as {@code Double}. */
  NUMBER,
  /** A {@code Boolean}. */
  BOOLEAN,
  /** A JSON object or array. */
  JSON
}

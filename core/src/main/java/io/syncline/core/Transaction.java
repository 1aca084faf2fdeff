package io.syncline.core;

import java.util.Map;
import java.util.Set;

/**
 * The reads and writes available inside {@link Store#transaction}. Reads see the transaction's
 * own writes. Everything written commits atomically as one {@link Changeset} when the function
 * returns, or is rolled back if it throws. Valid only on the thread running the transaction and
 * only until it returns.
 *
 * <p>Ids are non-empty strings. Values are {@code String}, {@code Long} (or {@code Integer},
 * {@code Short}, {@code Byte}; read back as {@code Long}), {@code Double} (or {@code Float};
 * finite only; read back as {@code Double}), {@code Boolean}, or a JSON tree of {@code Map}s with
 * string keys and {@code List}s (stored as an immutable copy). {@code null} is never a value:
 * delete instead. Invalid input throws {@link IllegalArgumentException}, a schema breach
 * {@link SchemaViolationException}; either way the whole transaction rolls back.
 */
public interface Transaction {
  void setCell(String table, String row, String cell, Object value);

  void delCell(String table, String row, String cell);

  /** Replaces the row: sets every given cell and deletes the row's other cells. */
  void setRow(String table, String row, Map<String, ?> cells);

  /** Sets the given cells and leaves the row's other cells alone. */
  void setPartialRow(String table, String row, Map<String, ?> cells);

  void delRow(String table, String row);

  /** Replaces the table: sets every given row (as {@link #setRow}) and deletes the table's other rows. */
  void setTable(String table, Map<String, ? extends Map<String, ?>> rows);

  void delTable(String table);

  /** Replaces every table: sets the given ones (as {@link #setTable}) and deletes all others. */
  void setTables(Map<String, ? extends Map<String, ? extends Map<String, ?>>> tables);

  void setValue(String id, Object value);

  void delValue(String id);

  /** The cell's value, its schema default if the row is live and the cell absent, else {@code null}. */
  Object getCell(String table, String row, String cell);

  /** The row's live cells (with schema defaults), empty if the row does not exist. Immutable. */
  Map<String, Object> getRow(String table, String row);

  /** The table's live rows, empty if none. Immutable. */
  Map<String, Map<String, Object>> getTable(String table);

  /** Every table with at least one live row. Immutable. */
  Map<String, Map<String, Map<String, Object>>> getTables();

  Object getValue(String id);

  Map<String, Object> getValues();

  boolean hasRow(String table, String row);

  boolean hasTable(String table);

  /** Ids of the table's live rows, in the order the rows were first created. Immutable. */
  Set<String> rowIds(String table);

  /** Ids of tables with at least one live row. Immutable. */
  Set<String> tableIds();
}

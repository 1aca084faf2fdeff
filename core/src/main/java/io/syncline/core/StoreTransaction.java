package io.syncline.core;

import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Transaction} handed to a transaction body: validates each write, stamps it, applies
 * it to the store at once (so later reads in the body see it) and records it in the store's
 * {@link UndoLog} for rollback and commit. Runs under the store lock.
 *
 * <p>The wall clock is read once, at the first write; every write of the transaction gets the
 * next HLC stamp at that wall time, so a transaction's stamps are consecutive.
 */
final class StoreTransaction implements Transaction {
  private final Store store;
  private boolean open = true;
  /** The wall clock read at the first write; every write of the transaction ticks the HLC with it. */
  private long wallMillis = Long.MIN_VALUE;

  StoreTransaction(Store store) {
    this.store = store;
  }

  void close() {
    open = false;
  }

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException("This transaction has already ended; use the store or a new transaction");
    }
  }

  // ---- writes -------------------------------------------------------------------------------

  @Override
  public void setCell(String table, String row, String cell, Object value) {
    checkOpen();
    Store.checkId(table, "table id");
    Store.checkId(row, "row id");
    Store.checkId(cell, "cell id");
    byte kind = Values.kindOrError(value);
    if (kind < 0) {
      throw badValue(value, kind, "cell " + table + "/" + row + "/" + cell);
    }
    long bits = Values.bitsOf(value, kind);
    if (store.schema != null) {
      Map<String, CellSchema> rules = store.schema.table(table);
      if (rules != null) {
        CellSchema rule = rules.get(cell);
        if (rule == null) {
          throw new SchemaViolationException("Cell " + table + "/" + row + "/" + cell + " is refused: table '" + table
              + "' has a schema and it has no cell '" + cell + "'");
        }
        byte admitted = Schema.admit(rule, kind);
        if (admitted < 0) {
          throw new SchemaViolationException("Cell " + table + "/" + row + "/" + cell + " is refused: the schema types it "
              + rule.type() + " but the value " + value + " is a " + value.getClass().getSimpleName());
        }
        if (admitted == Values.DOUBLE && kind == Values.INTEGER) {
          bits = Double.doubleToLongBits(((Number) value).doubleValue());
        }
        kind = admitted;
      }
    }
    Object ref = kind == Values.STRING ? value
        : kind == Values.JSON ? Values.refOf(value, kind, "cell " + table + "/" + row + "/" + cell) : null;
    if (kind == Values.STRING || kind == Values.JSON) {
      checkSize(kind, ref, table, row, cell);
    }
    TableData td = store.tableForWrite(table);
    write(td, td.row(row), td.column(cell), kind, bits, ref);
  }

  @Override
  public void delCell(String table, String row, String cell) {
    checkOpen();
    Store.checkId(table, "table id");
    Store.checkId(row, "row id");
    Store.checkId(cell, "cell id");
    TableData td = store.tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    int c = r < 0 ? -1 : td.findColumn(cell);
    if (c >= 0) {
      write(td, r, c, Values.TOMBSTONE, 0, null);
    }
  }

  @Override
  public void setRow(String table, String row, Map<String, ?> cells) {
    setPartialRow(table, row, cells);
    TableData td = store.tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    if (r >= 0) {
      for (int c = 0; c < td.columnCount(); c++) {
        if (!cells.containsKey(td.cellId(c))) {
          write(td, r, c, Values.TOMBSTONE, 0, null);
        }
      }
    }
  }

  @Override
  public void setPartialRow(String table, String row, Map<String, ?> cells) {
    checkOpen();
    if (cells == null) {
      throw new IllegalArgumentException("The cells of row " + table + "/" + row + " must not be null");
    }
    for (Map.Entry<String, ?> e : cells.entrySet()) {
      setCell(table, row, e.getKey(), e.getValue());
    }
  }

  @Override
  public void delRow(String table, String row) {
    checkOpen();
    Store.checkId(table, "table id");
    Store.checkId(row, "row id");
    TableData td = store.tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    if (r >= 0) {
      for (int c = 0; c < td.columnCount(); c++) {
        write(td, r, c, Values.TOMBSTONE, 0, null);
      }
    }
  }

  @Override
  public void setTable(String table, Map<String, ? extends Map<String, ?>> rows) {
    checkOpen();
    Store.checkId(table, "table id");
    if (rows == null) {
      throw new IllegalArgumentException("The rows of table " + table + " must not be null");
    }
    for (Map.Entry<String, ? extends Map<String, ?>> e : rows.entrySet()) {
      setRow(table, e.getKey(), e.getValue());
    }
    TableData td = store.tables.get(table);
    if (td != null) {
      for (int r = 0; r < td.rowCount(); r++) {
        if (td.isRowLive(r) && !rows.containsKey(td.rowId(r))) {
          delRow(table, td.rowId(r));
        }
      }
    }
  }

  @Override
  public void delTable(String table) {
    checkOpen();
    Store.checkId(table, "table id");
    TableData td = store.tables.get(table);
    if (td != null) {
      for (int r = 0; r < td.rowCount(); r++) {
        if (td.isRowLive(r)) {
          delRow(table, td.rowId(r));
        }
      }
    }
  }

  @Override
  public void setTables(Map<String, ? extends Map<String, ? extends Map<String, ?>>> tables) {
    checkOpen();
    if (tables == null) {
      throw new IllegalArgumentException("The tables must not be null");
    }
    for (Map.Entry<String, ? extends Map<String, ? extends Map<String, ?>>> e : tables.entrySet()) {
      setTable(e.getKey(), e.getValue());
    }
    for (String id : new ArrayList<>(store.tables.keySet())) {
      if (!tables.containsKey(id)) {
        delTable(id);
      }
    }
  }

  @Override
  public void setValue(String id, Object value) {
    checkOpen();
    Store.checkId(id, "value id");
    byte kind = Values.kindOrError(value);
    if (kind < 0) {
      throw badValue(value, kind, "value " + id);
    }
    long bits = Values.bitsOf(value, kind);
    CellSchema rule = store.schema == null ? null : store.schema.value(id);
    if (rule != null) {
      byte admitted = Schema.admit(rule, kind);
      if (admitted < 0) {
        throw new SchemaViolationException("Value '" + id + "' is refused: the schema types it " + rule.type()
            + " but " + value + " is a " + value.getClass().getSimpleName());
      }
      if (admitted == Values.DOUBLE && kind == Values.INTEGER) {
        bits = Double.doubleToLongBits(((Number) value).doubleValue());
      }
      kind = admitted;
    }
    Object ref = kind == Values.STRING ? value : kind == Values.JSON ? Values.refOf(value, kind, "value " + id) : null;
    if (kind == Values.STRING || kind == Values.JSON) {
      checkSize(kind, ref, null, null, id);
    }
    write(store.values, store.valuesRow, store.values.column(id), kind, bits, ref);
  }

  @Override
  public void delValue(String id) {
    checkOpen();
    Store.checkId(id, "value id");
    int c = store.values.findColumn(id);
    if (c >= 0) {
      write(store.values, store.valuesRow, c, Values.TOMBSTONE, 0, null);
    }
  }

  /** Refuses a string or JSON value over the store's size limit; {@code table == null} means a value. */
  private void checkSize(byte kind, Object ref, String table, String row, String cell) {
    int limit = store.maxValueBytes;
    long size;
    if (kind == Values.STRING) {
      String s = (String) ref;
      if (s.length() <= limit / 3) {
        return; // cannot exceed the limit even if every char takes three UTF-8 bytes
      }
      size = utf8Length(s);
    } else if (kind == Values.JSON) {
      size = Values.encodeJson(ref).length;
    } else {
      return;
    }
    if (size > limit) {
      String where = table == null ? "value " + cell : "cell " + table + "/" + row + "/" + cell;
      throw new IllegalArgumentException("The value for " + where + " takes " + size + " bytes, over the store's limit of "
          + limit + " (Store.Builder.maxValueBytes)");
    }
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  private static IllegalArgumentException badValue(Object value, byte error, String where) {
    switch (error) {
      case Values.ERR_NULL:
        return new IllegalArgumentException("The value for " + where + " is null; delete it instead");
      case Values.ERR_NOT_FINITE:
        return new IllegalArgumentException("The value " + value + " for " + where + " is not a finite number");
      default:
        return new IllegalArgumentException("The value for " + where + " has unsupported type "
            + value.getClass().getName() + "; use String, Long/Integer, Double, Boolean, or a JSON Map/List");
    }
  }

  /** Stamps and applies one cell write unless it would change nothing. */
  private void write(TableData td, int row, int col, byte kind, long bits, Object ref) {
    byte old = td.kind(row, col);
    if (old != Values.ABSENT
        ? (kind == Values.TOMBSTONE ? old == Values.TOMBSTONE : old == kind && td.holds(row, col, kind, bits, ref))
        : kind == Values.TOMBSTONE) {
      return;
    }
    if (wallMillis == Long.MIN_VALUE) {
      wallMillis = store.hlc.wallMillis();
    }
    store.hlc.tick(wallMillis);
    long hi = store.hlc.hi();
    int lo = store.hlc.lo();
    store.undo.add(td, row, col, old, hi, lo);
    td.write(row, col, kind, bits, ref, hi, lo);
    td.index.appendUncovered(row, col); // the store covers it at commit, see UndoLog#coverLocalWrites
  }

  // ---- commit support -----------------------------------------------------------------------

  /** Throws if a live row this transaction touched lacks a required cell that has no default. */
  void checkRequired() {
    if (store.schema == null) {
      return;
    }
    UndoLog u = store.undo;
    for (int i = 0; i < u.size; i++) {
      TableData td = u.table(i);
      if (td == store.values) {
        continue;
      }
      Map<String, CellSchema> rules = store.schema.table(td.id);
      int r = u.rows[i];
      if (rules == null || !td.isRowLive(r)) {
        continue;
      }
      for (Map.Entry<String, CellSchema> e : rules.entrySet()) {
        CellSchema rule = e.getValue();
        if (rule.required() && rule.defaultValue() == null) {
          int c = td.findColumn(e.getKey());
          if (c < 0 || td.kind(r, c) <= Values.TOMBSTONE) {
            throw new SchemaViolationException("Row " + td.id + "/" + td.rowId(r) + " is refused: the schema requires cell '"
                + e.getKey() + "' and it has no default");
          }
        }
      }
    }
  }

  /** Restores every cell this transaction wrote, newest first. */
  void rollback() {
    UndoLog u = store.undo;
    for (int i = u.size - 1; i >= 0; i--) {
      TableData td = u.table(i);
      int row = u.rows[i];
      int col = u.cols[i];
      byte k = u.oldKinds[i];
      td.write(row, col, k, u.oldBits[i], u.oldRefs[i], u.oldHis[i], u.oldLos[i]);
      if (k != Values.ABSENT) {
        int lo = u.oldLos[i];
        td.index.append(row, col, lo & Stamp.MAX_CLIENT_ID, u.oldHis[i], lo);
      }
    }
    u.reset();
  }

  // ---- reads --------------------------------------------------------------------------------

  @Override
  public Object getCell(String table, String row, String cell) {
    checkOpen();
    return store.readCell(table, row, cell);
  }

  @Override
  public Map<String, Object> getRow(String table, String row) {
    checkOpen();
    return store.readRow(table, row);
  }

  @Override
  public Map<String, Map<String, Object>> getTable(String table) {
    checkOpen();
    return store.readTable(table);
  }

  @Override
  public Map<String, Map<String, Map<String, Object>>> getTables() {
    checkOpen();
    return store.readTables();
  }

  @Override
  public Object getValue(String id) {
    checkOpen();
    return store.readValue(id);
  }

  @Override
  public Map<String, Object> getValues() {
    checkOpen();
    return store.readValues();
  }

  @Override
  public boolean hasRow(String table, String row) {
    checkOpen();
    TableData td = store.tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    return r >= 0 && td.isRowLive(r);
  }

  @Override
  public boolean hasTable(String table) {
    checkOpen();
    TableData td = store.tables.get(table);
    return td != null && td.liveRows() > 0;
  }

  @Override
  public Set<String> rowIds(String table) {
    checkOpen();
    return store.readRowIds(table);
  }

  @Override
  public Set<String> tableIds() {
    checkOpen();
    return store.readTableIds();
  }
}

package io.syncline.core;

import io.syncline.core.internal.CellBatch;
import io.syncline.core.internal.ChangeDecoder;
import io.syncline.core.internal.ChangeIndex;
import io.syncline.core.internal.StampMaxima;
import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Merges changes from another replica into a store, cell by cell, last writer wins. In check
 * mode ({@code apply == false}) it only validates against the schema, so that a delta or
 * changeset that breaks it can be refused before anything is applied. Runs under the store lock.
 *
 * <p>A string value arrives either as a {@code String} (from change objects) or as raw UTF-8
 * bytes in the delta being read (see {@link ChangeDecoder.Visitor}), which are copied straight
 * into the table's text arena.
 */
final class RemoteMerge implements ChangeDecoder.Visitor {
  private final Store store;
  private final boolean apply;
  private final boolean record;
  private final List<TableData> touched = new ArrayList<>(2);
  private String tableId;
  private String[] cellIds;
  private TableData td;
  private int[] columns; // section column -> table column + 1; 0 = not resolved yet
  private int[] rows = new int[16]; // section row -> table row (apply mode)
  private String[] rowIds; // section row -> id, for schema errors; null without a schema
  private String[] pendingRowIds; // column layout: ids whose rows are looked up in one go, at the first cell
  private int sectionRows;
  private long[] writtenCols; // column layout, at most 64 columns: per section row, the columns written
  private StampMaxima writtenStamps; // ... and the newest of their stamps per writer
  /**
   * Applying, without a schema, a column layout into a table that had no rows, naming no row or
   * column twice: every cell it writes is absent, so nothing needs merging.
   */
  private boolean fresh;
  private long maxHi;
  private int maxLo;
  private boolean any;
  private boolean changed;

  RemoteMerge(Store store, boolean apply) {
    this.store = store;
    this.apply = apply;
    this.record = apply && (store.changeLog.active() || store.listeners.wantsEvents() || store.listeners.wantsChangesets());
  }

  @Override
  public void table(String id, String[] cells, int rowCount, boolean byColumn) {
    endSection();
    tableId = id;
    cellIds = cells;
    sectionRows = 0;
    rowIds = store.schema == null ? null : new String[rowCount];
    if (apply) {
      td = store.tableForWrite(id);
      if (td.rowCount() == 0) {
        td.reserveRows(rowCount); // bulk load into a new table
        td.index.reserve((int) Math.min(Integer.MAX_VALUE, (long) rowCount * cells.length), rowCount);
      }
      columns = new int[cells.length];
      if (rows.length < rowCount) {
        rows = new int[rowCount];
      }
      fresh = byColumn && store.schema == null && td.rowCount() == 0 && distinct(cells);
      pendingRowIds = byColumn ? new String[rowCount] : null;
      writtenCols = byColumn && cells.length <= 64 ? new long[rowCount] : null;
      writtenStamps = writtenCols == null ? null : new StampMaxima(1);
      if (!touched.contains(td)) {
        touched.add(td);
      }
    }
  }

  @Override
  public void row(String rowId) {
    if (rowIds != null) {
      rowIds[sectionRows] = rowId;
    }
    if (pendingRowIds != null) {
      pendingRowIds[sectionRows] = rowId;
    } else if (apply) {
      rows[sectionRows] = td.row(rowId);
    }
    sectionRows++;
  }

  /**
   * Looks up (or adds) the rows of a column-layout section, all at once: a tight loop lets the
   * processor overlap the cache misses of the row dictionary's probes.
   */
  private void resolvePendingRows() {
    td.rows(pendingRowIds, sectionRows, rows);
    pendingRowIds = null;
    fresh &= td.rowCount() == sectionRows; // no row id came twice
  }

  private static boolean distinct(String[] ids) {
    return ids.length == new java.util.HashSet<>(java.util.Arrays.asList(ids)).size();
  }

  @Override
  public void cell(int row, int col, byte kind, long bits, Object ref, long hi, int lo) {
    if (store.schema != null) {
      Map<String, CellSchema> rules = store.schema.table(tableId);
      if (rules != null && kind != Values.TOMBSTONE) {
        CellSchema rule = rules.get(cellIds[col]);
        byte admitted = rule == null ? -1 : Schema.admit(rule, kind);
        if (admitted < 0) {
          throw new SchemaViolationException("Remote cell " + tableId + "/" + rowIds[row] + "/" + cellIds[col]
              + " is refused: " + (rule == null ? "the schema of table '" + tableId + "' has no such cell"
              : "the schema types it " + rule.type()) + ". Nothing was applied.");
        }
        if (admitted != kind) {
          bits = Double.doubleToLongBits((double) bits);
          kind = admitted;
        }
      }
    }
    if (!apply) {
      return;
    }
    if (pendingRowIds != null) {
      resolvePendingRows();
    }
    int c = tableColumn(col);
    int r = rows[row];
    if (merge(td, r, c, kind, bits, ref, hi, lo)) {
      if (writtenCols != null) {
        writtenCols[row] |= 1L << col;
        writtenStamps.add(lo & Stamp.MAX_CLIENT_ID, hi, lo);
      } else {
        td.index.append(r, c, lo & Stamp.MAX_CLIENT_ID, hi, lo);
      }
    }
  }

  /**
   * A run of a column-layout section's cells. Into a table that had no rows, nothing needs
   * merging: the run is stored in one pass ({@link TableData#load}) and its stamps are summed up
   * per writer (see {@link #fresh}). Otherwise each cell takes the path of {@link #cell}.
   */
  @Override
  public void cells(int col, CellBatch batch) {
    if (fresh && pendingRowIds != null) {
      resolvePendingRows(); // may find a row id named twice
    }
    int n = batch.size;
    if (!fresh || n == 0) {
      ChangeDecoder.Visitor.super.cells(col, batch);
      return;
    }
    int c = tableColumn(col);
    int[] sectionRows = batch.rows;
    long[] his = batch.his;
    int[] los = batch.los;
    if (record) {
      for (int i = 0; i < n; i++) {
        store.undo.add(td, rows[sectionRows[i]], c, Values.ABSENT, his[i], los[i]); // fresh: absent
      }
    }
    td.load(c, batch, rows);
    changed = true;
    long[] written = writtenCols;
    long bit = 1L << col;
    int client = -1;
    long clientHi = 0;
    int clientLo = 0;
    for (int i = 0; i < n; i++) {
      long hi = his[i];
      int lo = los[i];
      int writer = lo & Stamp.MAX_CLIENT_ID;
      if (writer != client) {
        if (client >= 0) {
          noteWriter(client, clientHi, clientLo);
        }
        client = writer;
        clientHi = hi;
        clientLo = lo;
      } else if (Stamp.compare(hi, lo, clientHi, clientLo) > 0) {
        clientHi = hi;
        clientLo = lo;
      }
      if (written != null) {
        written[sectionRows[i]] |= bit;
      } else {
        td.index.append(rows[sectionRows[i]], c, writer, hi, lo);
      }
    }
    noteWriter(client, clientHi, clientLo);
  }

  /** Folds the newest stamp of one writer among the cells just loaded into the section's summaries. */
  private void noteWriter(int client, long hi, int lo) {
    store.noteClient(client);
    if (writtenStamps != null) {
      writtenStamps.add(client, hi, lo);
    }
    observe(hi, lo);
  }

  /** Keeps the newest stamp received, which {@link #finish} moves the clock past. */
  private void observe(long hi, int lo) {
    if (!any || Stamp.compare(hi, lo, maxHi, maxLo) > 0) {
      maxHi = hi;
      maxLo = lo;
      any = true;
    }
  }

  /** The table column of the section's column {@code col}, added to the table on first use. */
  private int tableColumn(int col) {
    int c = columns[col] - 1;
    if (c < 0) {
      c = td.column(cellIds[col]);
      columns[col] = c + 1;
    }
    return c;
  }

  /**
   * Ends a table section. The cells of a column-layout section arrive column by column; their
   * change-index entries are appended here instead, row by row, so that a row's adjacent columns
   * share one entry as they do when the row is written locally.
   */
  private void endSection() {
    if (td == null) {
      return;
    }
    if (pendingRowIds != null) {
      resolvePendingRows();
    }
    long[] written = writtenCols;
    if (written != null) {
      writtenCols = null;
      ChangeIndex index = td.index;
      for (int i = 0; i < sectionRows; i++) {
        int r = rows[i];
        long mask = written[i];
        while (mask != 0) { // each run of written columns that are adjacent in the table too
          int first = Long.numberOfTrailingZeros(mask);
          int col = columns[first] - 1;
          int length = 1;
          while (first + length < 64 && (mask & (1L << (first + length))) != 0
              && columns[first + length] - 1 == col + length) {
            length++;
          }
          index.appendUncovered(r, col, length);
          mask &= length == 64 ? 0 : ~(((1L << length) - 1) << first);
        }
      }
      index.coverUncovered(writtenStamps);
    }
    td.index.seal();
  }

  @Override
  public void value(String id, byte kind, long bits, Object ref, long hi, int lo) {
    CellSchema rule = store.schema == null ? null : store.schema.value(id);
    if (rule != null && kind != Values.TOMBSTONE) {
      byte admitted = Schema.admit(rule, kind);
      if (admitted < 0) {
        throw new SchemaViolationException("Remote value '" + id + "' is refused: the schema types it " + rule.type()
            + ". Nothing was applied.");
      }
      if (admitted != kind) {
        bits = Double.doubleToLongBits((double) bits);
        kind = admitted;
      }
    }
    if (apply) {
      if (!touched.contains(store.values)) {
        touched.add(store.values);
      }
      int c = store.values.column(id);
      if (merge(store.values, store.valuesRow, c, kind, bits, ref, hi, lo)) {
        store.values.index.append(store.valuesRow, c, lo & Stamp.MAX_CLIENT_ID, hi, lo);
      }
    }
  }

  /** Feeds change objects (from a decoded {@link Changeset}) through the same path. */
  void changes(List<Change> changes) {
    for (Change ch : changes) {
      Object v = ch.value();
      byte kind = v == null ? Values.TOMBSTONE : Values.kindOrError(v);
      if (kind < 0) {
        throw new IllegalArgumentException("Remote change " + ch + " has an invalid value");
      }
      long bits = v == null ? 0 : Values.bitsOf(v, kind);
      Object ref = v == null ? null : Values.refOf(v, kind, "remote change");
      Stamp s = ch.stamp();
      if (ch instanceof CellChange cc) {
        Store.checkId(cc.table(), "table id");
        Store.checkId(cc.row(), "row id");
        Store.checkId(cc.cell(), "cell id");
        table(cc.table(), new String[] {cc.cell()}, 1, false);
        row(cc.row());
        cell(0, 0, kind, bits, ref, s.hi(), s.lo());
      } else {
        ValueChange vc = (ValueChange) ch;
        Store.checkId(vc.id(), "value id");
        value(vc.id(), kind, bits, ref, s.hi(), s.lo());
      }
    }
  }

  /** Writes the cell if the incoming stamp wins; returns true if it did (the caller indexes it). */
  private boolean merge(TableData t, int r, int c, byte kind, long bits, Object ref, long hi, int lo) {
    observe(hi, lo);
    byte old = t.kind(r, c);
    if (old != Values.ABSENT) {
      int cmp = Stamp.compare(hi, lo, t.hi(r, c), t.lo(r, c));
      if (cmp < 0 || (cmp == 0 && compareContent(t, r, c, kind, bits, ref) <= 0)) {
        return false;
      }
    }
    int client = lo & Stamp.MAX_CLIENT_ID;
    changed = true;
    store.noteClient(client);
    if (record) {
      store.undo.add(t, r, c, hi, lo);
    }
    if (ref instanceof byte[] raw) {
      t.writeText(r, c, raw, TableData.textOffset(bits), TableData.textLength(bits), hi, lo);
    } else {
      t.write(r, c, kind, bits, ref, hi, lo);
    }
    return true;
  }

  /** Orders an incoming content against the cell's (only on identical stamps, which is rare). */
  private static int compareContent(TableData t, int r, int c, byte kind, long bits, Object ref) {
    Object mine = ref instanceof byte[] raw ? TableData.text(raw, bits) : ref;
    byte old = t.kind(r, c);
    Object theirs = old == Values.STRING ? t.value(r, c) : t.ref(r, c);
    return Values.compareContent(kind, bits, mine, old, t.bits(r, c), theirs);
  }

  /** True if some cell or value was written. */
  boolean changed() {
    return changed;
  }

  /** Moves the clock past the newest stamp received and compacts indexes that grew. */
  void finish() {
    endSection();
    if (any) {
      Stamp max = Stamp.unpack(maxHi, maxLo);
      store.hlc.observe(max.millis(), max.counter());
    }
    if (!record) {
      for (TableData t : touched) {
        store.maybeCompact(t);
      }
    }
  }
}

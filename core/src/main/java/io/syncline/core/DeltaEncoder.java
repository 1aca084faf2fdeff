package io.syncline.core;

import io.syncline.core.internal.ByteWriter;
import io.syncline.core.internal.ChangeEncoder;
import io.syncline.core.internal.ChangeIndex;
import io.syncline.core.internal.Envelope;
import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;
import java.util.Arrays;

/**
 * Writes {@link Store#deltaSince}: for each table, either a scan of the cells (when most of the
 * table is newer than the asking vector, e.g. a full state), sent in the column layout, or a walk
 * of only those {@link ChangeIndex} blocks that may hold newer cells, sent in the row layout (see
 * {@link ChangeEncoder}). Runs under the store lock.
 */
final class DeltaEncoder {
  private final Store store;
  private final VectorLookup vv;
  private final ByteWriter w;
  private final ChangeEncoder enc;
  private int size;

  private DeltaEncoder(Store store, VersionVector other, ByteWriter w) {
    this.store = store;
    this.vv = new VectorLookup(other);
    this.w = w;
    this.enc = new ChangeEncoder(w);
  }

  static Delta encode(Store store, VersionVector other, VersionVector version) {
    int estimate = other.isEmpty() ? totalCells(store) * 12 : 1024;
    ByteWriter w = Envelope.begin('D', estimate);
    w.writeString(store.replicaId);
    version.writeTo(w);
    int body = w.position();
    DeltaEncoder e = new DeltaEncoder(store, other, w);
    e.enc.clients(store.seenClients, store.seenCount);
    int tablesAt = w.reserveCount();
    int tables = 0;
    for (TableData td : store.tables.values()) {
      if (e.table(td)) {
        tables++;
      }
    }
    w.patchCount(tablesAt, tables);
    e.values();
    return new Delta(Envelope.finish(w), store.replicaId, version, body, new Delta.Summary(e.size, e.enc.maxMillis()));
  }

  private static int totalCells(Store store) {
    long n = 0;
    for (TableData td : store.tables.values()) {
      n += td.presentCells();
    }
    return (int) Math.min(n, 100_000_000);
  }

  private boolean isNewer(TableData td, int row, int col) {
    if (td.kind(row, col) == 0) {
      return false;
    }
    int lo = td.lo(row, col);
    return vv.isNewer(lo & Stamp.MAX_CLIENT_ID, td.hi(row, col), lo);
  }

  private void cell(TableData td, int row, int col) {
    byte kind = td.kind(row, col);
    if (kind == Values.STRING) {
      enc.text(td.textOf(col), td.bits(row, col), td.hi(row, col), td.lo(row, col));
    } else {
      enc.cell(kind, td.bits(row, col), td.ref(row, col), td.hi(row, col), td.lo(row, col));
    }
    size++;
  }

  /** Writes the table's newer cells; returns false (writing nothing) if it has none. */
  private boolean table(TableData td) {
    ChangeIndex index = td.index;
    long candidates = 0;
    boolean[] candidate = new boolean[index.blockCount()];
    for (int b = 0; b < candidate.length; b++) {
      if (index.mayHaveNewer(b, vv)) {
        candidate[b] = true;
        candidates += index.blockCells(b);
      }
    }
    if (candidates == 0) {
      return false;
    }
    int start = w.position();
    int before = size;
    if (candidates * 2 >= td.presentCells()) {
      enc.table(td.id, ChangeEncoder.LAYOUT_COLUMNS);
      scan(td, vv.isEmpty());
    } else {
      enc.table(td.id, ChangeEncoder.LAYOUT_ROWS);
      walk(td, candidate, candidates);
    }
    if (size == before) {
      w.truncate(start);
      return false;
    }
    return true;
  }

  /**
   * Every cell of the table newer than the vector, in the column layout: one pass per column
   * marks the cells to send, then the rows that have any are listed and each column's cells
   * follow, read straight from its arrays.
   */
  private void scan(TableData td, boolean all) {
    int cols = td.columnCount();
    int rowCount = td.rowCount();
    int words = (rowCount + 63) >>> 6;
    long[][] picked = new long[cols][];
    int[] counts = new int[cols];
    long[] anyRow = new long[words];
    int usedCols = 0;
    for (int c = 0; c < cols; c++) {
      byte[] kinds = td.kindsOf(c);
      long[] his = td.hisOf(c);
      int[] los = td.losOf(c);
      int end = Math.min(rowCount, kinds.length); // a column's arrays end after its last row
      long[] pick = new long[(end + 63) >>> 6];
      int n = 0;
      for (int r = 0; r < end; r++) {
        if (kinds[r] != 0 && (all || vv.isNewer(los[r] & Stamp.MAX_CLIENT_ID, his[r], los[r]))) {
          pick[r >>> 6] |= 1L << r;
          n++;
        }
      }
      if (n > 0) {
        picked[c] = pick;
        counts[c] = n;
        usedCols++;
        for (int i = 0; i < pick.length; i++) {
          anyRow[i] |= pick[i];
        }
      }
    }
    w.writeVarint(usedCols);
    for (int c = 0; c < cols; c++) {
      if (picked[c] != null) {
        w.writeString(td.cellId(c));
      }
    }
    int[] ordinal = new int[rowCount];
    int rows = 0;
    int rowsAt = w.reserveCount();
    for (int i = 0; i < words; i++) {
      for (long word = anyRow[i]; word != 0; word &= word - 1) {
        int r = i << 6 | Long.numberOfTrailingZeros(word);
        ordinal[r] = rows++;
        enc.rowId(td.rowId(r));
      }
    }
    w.patchCount(rowsAt, rows);
    for (int c = 0; c < cols; c++) {
      if (picked[c] != null) {
        w.writeVarint(counts[c]);
        enc.column(td, c, picked[c], ordinal, counts[c] == rows);
        size += counts[c];
      }
    }
  }

  /** Only the cells named by candidate index blocks, deduplicated and sorted by row and column. */
  private void walk(TableData td, boolean[] candidate, long candidates) {
    ChangeIndex index = td.index;
    long[] picked = new long[(int) Math.min(candidates, Integer.MAX_VALUE - 8)];
    int n = 0;
    for (int b = 0; b < candidate.length; b++) {
      if (!candidate[b]) {
        continue;
      }
      for (int i = 0, size = index.blockSize(b); i < size; i++) {
        long e = index.entry(b, i);
        int row = ChangeIndex.rowOf(e);
        for (int col = ChangeIndex.firstCol(e), end = col + ChangeIndex.runLength(e); col < end; col++) {
          if (isNewer(td, row, col)) {
            picked[n++] = (long) row << 32 | col;
          }
        }
      }
    }
    Arrays.sort(picked, 0, n);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || picked[i] != picked[i - 1]) {
        picked[distinct++] = picked[i];
      }
    }
    int[] remap = new int[td.columnCount()];
    Arrays.fill(remap, -1);
    int usedCols = 0;
    int rows = 0;
    for (int i = 0; i < distinct; i++) {
      int col = (int) picked[i];
      if (remap[col] < 0) {
        remap[col] = usedCols++;
      }
      if (i == 0 || ChangeIndex.rowOf(picked[i]) != ChangeIndex.rowOf(picked[i - 1])) {
        rows++;
      }
    }
    String[] names = new String[usedCols];
    for (int c = 0; c < remap.length; c++) {
      if (remap[c] >= 0) {
        names[remap[c]] = td.cellId(c);
      }
    }
    w.writeVarint(usedCols);
    for (String name : names) {
      w.writeString(name);
    }
    w.writeVarint(rows);
    for (int i = 0; i < distinct; ) {
      int row = ChangeIndex.rowOf(picked[i]);
      int j = i;
      while (j < distinct && ChangeIndex.rowOf(picked[j]) == row) {
        j++;
      }
      enc.rowId(td.rowId(row));
      w.writeVarint(j - i);
      for (; i < j; i++) {
        int col = (int) picked[i];
        w.writeVarint(remap[col]);
        cell(td, row, col);
      }
    }
  }

  private void values() {
    TableData v = store.values;
    int row = store.valuesRow;
    int countAt = w.reserveCount();
    int n = 0;
    for (int c = 0; c < v.columnCount(); c++) {
      if (isNewer(v, row, c)) {
        w.writeString(v.cellId(c));
        cell(v, row, c);
        n++;
      }
    }
    w.patchCount(countAt, n);
  }
}

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
 * table is newer than the asking vector, e.g. a full state) or a walk of only those
 * {@link ChangeIndex} blocks that may hold newer cells. Runs under the store lock.
 */
final class DeltaEncoder {
  private final Store store;
  private final VectorLookup vv;
  private final ByteWriter w;
  private final ChangeEncoder enc;
  private long maxMillis;
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
    return new Delta(Envelope.finish(w), store.replicaId, version, body, new Delta.Summary(e.size, e.maxMillis));
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
    long hi = td.hi(row, col);
    maxMillis = Math.max(maxMillis, hi >>> 22);
    body(td.kind(row, col), td.bits(row, col), td.ref(row, col), td.textOf(col), hi, td.lo(row, col));
    size++;
  }

  /** Writes a stored cell's body: a string from its column's text arena, anything else as is. */
  private void body(byte kind, long bits, Object ref, byte[] text, long hi, int lo) {
    if (kind == Values.STRING) {
      enc.text(text, bits, hi, lo);
    } else {
      enc.cell(kind, bits, ref, hi, lo);
    }
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
    enc.table(td.id);
    if (candidates * 2 >= td.presentCells()) {
      scan(td, vv.isEmpty());
    } else {
      walk(td, candidate, candidates);
    }
    if (size == before) {
      w.truncate(start);
      return false;
    }
    return true;
  }

  /** Every cell of the table newer than the vector, row by row, reading the column arrays directly. */
  private void scan(TableData td, boolean all) {
    int cols = td.columnCount();
    w.writeVarint(cols);
    byte[][] kinds = new byte[cols][];
    long[][] his = new long[cols][];
    int[][] los = new int[cols][];
    long[][] bits = new long[cols][];
    Object[][] refs = new Object[cols][];
    byte[][] texts = new byte[cols][];
    for (int c = 0; c < cols; c++) {
      w.writeString(td.cellId(c));
      kinds[c] = td.kindsOf(c);
      his[c] = td.hisOf(c);
      los[c] = td.losOf(c);
      bits[c] = td.bitsOf(c);
      refs[c] = td.refsOf(c);
      texts[c] = td.textOf(c);
    }
    boolean[] pick = new boolean[cols];
    int rowsAt = w.reserveCount();
    int rows = 0;
    for (int r = 0, rowCount = td.rowCount(); r < rowCount; r++) {
      int n = 0;
      for (int c = 0; c < cols; c++) {
        byte[] k = kinds[c];
        boolean p = r < k.length && k[r] != 0
            && (all || vv.isNewer(los[c][r] & Stamp.MAX_CLIENT_ID, his[c][r], los[c][r]));
        pick[c] = p;
        if (p) {
          n++;
        }
      }
      if (n == 0) {
        continue;
      }
      rows++;
      enc.rowId(td.rowId(r));
      w.writeVarint(n);
      for (int c = 0; c < cols; c++) {
        if (pick[c]) {
          long hi = his[c][r];
          maxMillis = Math.max(maxMillis, hi >>> 22);
          w.writeVarint(c);
          body(kinds[c][r], bits[c] == null ? 0 : bits[c][r], refs[c] == null ? null : refs[c][r], texts[c], hi,
              los[c][r]);
        }
      }
      size += n;
    }
    w.patchCount(rowsAt, rows);
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

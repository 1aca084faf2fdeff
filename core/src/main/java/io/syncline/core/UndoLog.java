package io.syncline.core;

import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;
import java.util.Arrays;

/**
 * The cells one transaction changed, in order, with each cell's state before the change and the
 * stamp it got. Used to roll back, to build the transaction's changeset, and to tell listeners
 * the old values. One instance per store is reused from transaction to transaction (the store
 * lock guards it).
 */
final class UndoLog {
  int size;
  /** Entry i's table is {@code tableList[tableOf[i]]}: an int per entry, not a reference to store. */
  private TableData[] tableList = new TableData[4];
  private int tableCount;
  private int[] tableOf = new int[64];
  int[] rows = new int[64];
  int[] cols = new int[64];
  byte[] oldKinds = new byte[64];
  long[] oldBits = new long[64];
  /** The old JSON trees (null for every other kind); see {@link #hasRefs}. */
  Object[] oldRefs = new Object[64];
  long[] oldHis = new long[64];
  int[] oldLos = new int[64];
  long[] newHis = new long[64];
  int[] newLos = new int[64];
  private boolean hasRefs;

  void add(TableData td, int row, int col, long newHi, int newLo) {
    add(td, row, col, td.kind(row, col), newHi, newLo);
  }

  /** {@link #add} for a writer that has read the cell's kind already. */
  void add(TableData td, int row, int col, byte k, long newHi, int newLo) {
    if (size == rows.length) {
      grow();
    }
    int i = size++;
    tableOf[i] = indexOf(td);
    rows[i] = row;
    cols[i] = col;
    oldKinds[i] = k;
    if (k != 0) {
      oldBits[i] = td.bits(row, col);
      oldHis[i] = td.hi(row, col);
      oldLos[i] = td.lo(row, col);
      if (k == Values.JSON) {
        oldRefs[i] = td.ref(row, col);
        hasRefs = true;
      }
    }
    newHis[i] = newHi;
    newLos[i] = newLo;
  }

  /** The table of entry {@code i}. */
  TableData table(int i) {
    return tableList[tableOf[i]];
  }

  private int indexOf(TableData td) {
    int n = tableCount;
    if (n > 0 && tableList[n - 1] == td) {
      return n - 1; // a transaction mostly writes one table at a time
    }
    for (int t = 0; t < n; t++) {
      if (tableList[t] == td) {
        return t;
      }
    }
    if (n == tableList.length) {
      tableList = Arrays.copyOf(tableList, n * 2);
    }
    tableList[n] = td;
    tableCount = n + 1;
    return n;
  }

  /**
   * Covers the change-index entries that a local transaction's writes appended without stamps
   * (see {@link io.syncline.core.internal.ChangeIndex#appendUncovered}) with the transaction's
   * last stamp, in every table it wrote. Call at commit, before any delta can read the index.
   */
  void coverLocalWrites(int clientId, long hi, int lo) {
    for (int t = 0; t < tableCount; t++) {
      tableList[t].index.coverUncovered(clientId, hi, lo);
    }
  }

  /** True if entry {@code i} holds the cell's final state in this transaction. */
  boolean isLatest(int i) {
    TableData td = table(i);
    return td.hi(rows[i], cols[i]) == newHis[i] && td.lo(rows[i], cols[i]) == newLos[i];
  }

  private void grow() {
    int cap = rows.length * 2;
    tableOf = Arrays.copyOf(tableOf, cap);
    rows = Arrays.copyOf(rows, cap);
    cols = Arrays.copyOf(cols, cap);
    oldKinds = Arrays.copyOf(oldKinds, cap);
    oldBits = Arrays.copyOf(oldBits, cap);
    oldRefs = Arrays.copyOf(oldRefs, cap);
    oldHis = Arrays.copyOf(oldHis, cap);
    oldLos = Arrays.copyOf(oldLos, cap);
    newHis = Arrays.copyOf(newHis, cap);
    newLos = Arrays.copyOf(newLos, cap);
  }

  /** Forgets every entry, dropping references so old values can be collected. */
  void reset() {
    Arrays.fill(tableList, 0, tableCount, null);
    tableCount = 0;
    if (hasRefs) {
      Arrays.fill(oldRefs, 0, size, null);
      hasRefs = false;
    }
    size = 0;
    if (rows.length > 4096) {
      // a huge transaction or delta should not pin its undo arrays forever
      UndoLog fresh = new UndoLog();
      tableOf = fresh.tableOf;
      rows = fresh.rows;
      cols = fresh.cols;
      oldKinds = fresh.oldKinds;
      oldBits = fresh.oldBits;
      oldRefs = fresh.oldRefs;
      oldHis = fresh.oldHis;
      oldLos = fresh.oldLos;
      newHis = fresh.newHis;
      newLos = fresh.newLos;
    }
  }
}

package io.syncline.core;

import io.syncline.core.internal.TableData;
import java.util.Arrays;

/**
 * The cells one transaction changed, in order, with each cell's state before the change and the
 * stamp it got. Used to roll back, to build the transaction's changeset, and to tell listeners
 * the old values. One instance per store is reused from transaction to transaction (the store
 * lock guards it).
 */
final class UndoLog {
  int size;
  TableData[] tables = new TableData[64];
  int[] rows = new int[64];
  int[] cols = new int[64];
  byte[] oldKinds = new byte[64];
  long[] oldBits = new long[64];
  Object[] oldRefs = new Object[64];
  long[] oldHis = new long[64];
  int[] oldLos = new int[64];
  long[] newHis = new long[64];
  int[] newLos = new int[64];

  void add(TableData td, int row, int col, long newHi, int newLo) {
    if (size == rows.length) {
      grow();
    }
    int i = size++;
    tables[i] = td;
    rows[i] = row;
    cols[i] = col;
    byte k = td.kind(row, col);
    oldKinds[i] = k;
    if (k != 0) {
      oldBits[i] = td.bits(row, col);
      oldRefs[i] = td.ref(row, col);
      oldHis[i] = td.hi(row, col);
      oldLos[i] = td.lo(row, col);
    }
    newHis[i] = newHi;
    newLos[i] = newLo;
  }

  /** True if entry {@code i} holds the cell's final state in this transaction. */
  boolean isLatest(int i) {
    TableData td = tables[i];
    return td.hi(rows[i], cols[i]) == newHis[i] && td.lo(rows[i], cols[i]) == newLos[i];
  }

  private void grow() {
    int cap = rows.length * 2;
    tables = Arrays.copyOf(tables, cap);
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
    Arrays.fill(tables, 0, size, null);
    Arrays.fill(oldRefs, 0, size, null);
    Arrays.fill(oldKinds, 0, size, (byte) 0);
    size = 0;
    if (rows.length > 4096) {
      // a huge transaction or delta should not pin its undo arrays forever
      UndoLog fresh = new UndoLog();
      tables = fresh.tables;
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

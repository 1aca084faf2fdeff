package io.syncline.core;

import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;

/**
 * A committed changeset recorded in compact primitive form, turned into a {@link Changeset}
 * only when a tailer polls it. This keeps the writing thread's cost of an attached tailer (the
 * persister's, the sync manager's) to a few array copies per transaction.
 *
 * <p>Safe to materialise on another thread: it holds its own copies of every value and stamp
 * (a string as its column's text arena array and its place in it, which later writes never
 * change; see {@link TableData}), and the row and cell ids it reads from {@link TableData} were
 * written before the change log append that published this object (the log's monitor orders
 * them) and never change.
 */
final class PendingChangeset {
  private final String origin;
  private final long sequence;
  private final String mutator;
  private final Object args;
  private final TableData values;
  private final int valuesRow;
  private final TableData[] tables;
  private final int[] rows;
  private final int[] cols;
  private final byte[] kinds;
  private final long[] bits;
  private final Object[] refs;
  private final long[] his;
  private final int[] los;

  /** Captures the final state of every cell in {@code u}; call before the undo log is reset. */
  PendingChangeset(Store store, UndoLog u, String origin, long sequence, String mutator, Object args) {
    this.origin = origin;
    this.sequence = sequence;
    this.mutator = mutator;
    this.args = args;
    this.values = store.values;
    this.valuesRow = store.valuesRow;
    int n = 0;
    for (int i = 0; i < u.size; i++) {
      if (u.isLatest(i)) {
        n++;
      }
    }
    tables = new TableData[n];
    rows = new int[n];
    cols = new int[n];
    kinds = new byte[n];
    bits = new long[n];
    refs = new Object[n];
    his = new long[n];
    los = new int[n];
    int j = 0;
    for (int i = 0; i < u.size; i++) {
      if (!u.isLatest(i)) {
        continue;
      }
      TableData td = u.tables[i];
      int r = u.rows[i];
      int c = u.cols[i];
      tables[j] = td;
      rows[j] = r;
      cols[j] = c;
      kinds[j] = td.kind(r, c);
      bits[j] = td.bits(r, c);
      refs[j] = kinds[j] == Values.STRING ? td.textOf(c) : td.ref(r, c);
      his[j] = u.newHis[i];
      los[j] = u.newLos[i];
      j++;
    }
  }

  Changeset materialize() {
    Change[] changes = new Change[tables.length];
    for (int i = 0; i < changes.length; i++) {
      Object value = kinds[i] == Values.STRING ? TableData.text((byte[]) refs[i], bits[i])
          : Values.toObject(kinds[i], bits[i], refs[i]);
      Stamp stamp = Stamp.unpack(his[i], los[i]);
      TableData td = tables[i];
      changes[i] = td == values && rows[i] == valuesRow ? new ValueChange(td.cellId(cols[i]), value, stamp)
          : new CellChange(td.id, td.rowId(rows[i]), td.cellId(cols[i]), value, stamp);
    }
    return new Changeset(origin, sequence, mutator, args, java.util.List.of(changes));
  }
}

package io.syncline.core;

import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;

/**
 * A committed changeset recorded in compact primitive form, turned into a {@link Changeset}
 * only when a tailer polls it. Its cells are a run of entries in {@link Chunk}s that many
 * pending changesets share, so recording a transaction for an attached tailer (the persister's,
 * the sync manager's) costs a few array stores per cell and no allocation per transaction but
 * this small header, and the garbage collector sees a handful of large arrays rather than
 * several arrays per transaction.
 *
 * <p>Safe to materialise on another thread: its entries hold copies of every value and stamp (a
 * string as its column's text arena array and its place in it, which later writes never change;
 * see {@link TableData}); they, and the row and cell ids it reads from {@link TableData}, were
 * written before the change log append that published this object (the log's monitor orders
 * them), and entries are never rewritten.
 */
final class PendingChangeset {
  private final String origin;
  private final long sequence;
  private final String mutator;
  private final Object args;
  private final TableData values;
  private final int valuesRow;
  private final Chunk first;
  private final int start;
  private final int count;

  private PendingChangeset(Store store, String origin, long sequence, String mutator, Object args, Chunk first,
      int start, int count) {
    this.origin = origin;
    this.sequence = sequence;
    this.mutator = mutator;
    this.args = args;
    this.values = store.values;
    this.valuesRow = store.valuesRow;
    this.first = first;
    this.start = start;
    this.count = count;
  }

  Changeset materialize() {
    Change[] changes = new Change[count];
    Chunk c = first;
    int i = start;
    for (int n = 0; n < count; n++, i++) {
      if (i == c.kinds.length) {
        c = c.next;
        i = 0;
      }
      TableData td = (TableData) c.objects[c.tables[i]];
      byte kind = c.kinds[i];
      Object ref = c.refs[i] < 0 ? null : c.objects[c.refs[i]];
      Object value = kind == Values.STRING ? TableData.text((byte[]) ref, c.bits[i]) : Values.toObject(kind, c.bits[i], ref);
      Stamp stamp = Stamp.unpack(c.his[i], c.los[i]);
      int row = c.rows[i];
      int col = c.cols[i];
      changes[n] = td == values && row == valuesRow ? new ValueChange(td.cellId(col), value, stamp)
          : new CellChange(td.id, td.rowId(row), td.cellId(col), value, stamp);
    }
    return new Changeset(origin, sequence, mutator, args, java.util.List.of(changes));
  }

  /**
   * Where a store records its pending changesets: appends each commit's final cell states to the
   * current chunk, starting a new, larger one (up to {@value #MAX_CHUNK} entries) when it is
   * full. A chunk lives as long as a pending changeset that uses it. Used by the store's writing
   * thread only, under the store lock.
   */
  static final class Recorder {
    static final int MIN_CHUNK = 256;
    static final int MAX_CHUNK = 1 << 16;

    private Chunk current;
    private int fill;

    /** Captures the final state of every cell in {@code u}; call before the undo log is reset. */
    PendingChangeset record(Store store, UndoLog u, String origin, long sequence, String mutator, Object args) {
      if (current == null || fill == current.kinds.length) {
        next();
      }
      Chunk first = current;
      int start = fill;
      int count = 0;
      for (int i = 0; i < u.size; i++) {
        if (!u.isLatest(i)) {
          continue;
        }
        if (fill == current.kinds.length) {
          next();
        }
        Chunk c = current;
        int j = fill++;
        TableData td = u.table(i);
        int r = u.rows[i];
        int col = u.cols[i];
        byte kind = td.kind(r, col);
        c.tables[j] = c.intern(td);
        c.rows[j] = r;
        c.cols[j] = col;
        c.kinds[j] = kind;
        c.bits[j] = td.bits(r, col);
        c.refs[j] = kind == Values.STRING ? c.intern(td.textOf(col)) : kind == Values.JSON ? c.intern(td.ref(r, col)) : -1;
        c.his[j] = u.newHis[i];
        c.los[j] = u.newLos[i];
        count++;
      }
      return new PendingChangeset(store, origin, sequence, mutator, args, first, start, count);
    }

    /** Drops the current chunk, e.g. when no tailer remains, so it can be collected. */
    void reset() {
      current = null;
      fill = 0;
    }

    private void next() {
      int size = current == null ? MIN_CHUNK : Math.min(MAX_CHUNK, current.kinds.length * 2);
      Chunk c = new Chunk(size);
      if (current != null) {
        current.next = c;
      }
      current = c;
      fill = 0;
    }
  }

  /**
   * Parallel primitive arrays of cell entries; {@code next} continues a changeset that did not
   * fit. The objects an entry refers to (its table, a string's text arena, a JSON tree) are
   * indexes into a small {@code objects} table where recent repeats share one slot, so recording
   * an entry rarely stores a reference (each of which costs a garbage-collector barrier).
   */
  private static final class Chunk {
    final int[] tables; // index into objects
    final int[] rows;
    final int[] cols;
    final byte[] kinds;
    final long[] bits;
    final int[] refs; // index into objects of a string's text arena or a JSON tree; -1: none
    final long[] his;
    final int[] los;
    Object[] objects = new Object[16];
    int objectCount;
    Chunk next;

    Chunk(int size) {
      tables = new int[size];
      rows = new int[size];
      cols = new int[size];
      kinds = new byte[size];
      bits = new long[size];
      refs = new int[size];
      his = new long[size];
      los = new int[size];
    }

    /**
     * The slot of {@code o} in {@code objects}: one of the last {@value #RECENT} slots if it holds
     * {@code o} (a table and its columns' arenas recur), else a new one.
     */
    int intern(Object o) {
      Object[] objs = objects;
      for (int i = objectCount - 1, stop = Math.max(0, objectCount - RECENT); i >= stop; i--) {
        if (objs[i] == o) {
          return i;
        }
      }
      if (objectCount == objs.length) {
        objects = objs = java.util.Arrays.copyOf(objs, objectCount * 2);
      }
      objs[objectCount] = o;
      return objectCount++;
    }

    private static final int RECENT = 16;
  }
}

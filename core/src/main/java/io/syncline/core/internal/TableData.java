package io.syncline.core.internal;

import java.util.Arrays;
import java.util.HashMap;

/**
 * One table's cells in columnar form: a row dictionary (id to dense index), a column
 * dictionary, and per column parallel primitive arrays of kind, value bits, value reference and
 * packed stamp. No object is allocated per cell except the strings and JSON trees themselves,
 * which keeps a million-cell table near 40 bytes a cell.
 *
 * <p>Rows and columns are never removed: a deleted cell becomes a tombstone (it keeps its stamp),
 * and a row without live cells is simply not reported. Not thread-safe; the store guards it.
 */
public final class TableData {
  private static final String[] NO_STRINGS = new String[0];

  public final String id;
  public final ChangeIndex index = new ChangeIndex();

  private String[] rowIds = new String[8];
  private int[] liveCells = new int[8];
  private int rowCount;
  private int liveRows;
  private int presentCells;
  private int[] slots = new int[16]; // open addressing: row index + 1, 0 = empty
  private int rowCapacityHint;
  private String lastRowId;
  private int lastRow;

  private String[] cellIds = NO_STRINGS;
  private Column[] columns = new Column[0];
  private final HashMap<String, Integer> columnIndex = new HashMap<>();

  public TableData(String id) {
    this.id = id;
  }

  // ---- rows -----------------------------------------------------------------------------------

  public int rowCount() {
    return rowCount;
  }

  public int liveRows() {
    return liveRows;
  }

  /** Cells that are live or tombstoned (everything with a stamp). */
  public int presentCells() {
    return presentCells;
  }

  public String rowId(int row) {
    return rowIds[row];
  }

  public boolean isRowLive(int row) {
    return liveCells[row] > 0;
  }

  public int findRow(String rowId) {
    int mask = slots.length - 1;
    for (int i = mix(rowId.hashCode()) & mask; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0) {
        return -1;
      }
      String candidate = rowIds[s - 1];
      if (candidate == rowId || candidate.equals(rowId)) {
        return s - 1;
      }
    }
  }

  /** The index of {@code rowId}, adding the row (with no cells) if it is new. */
  public int row(String rowId) {
    if (rowId == lastRowId) {
      return lastRow; // consecutive writes to one row are the common case
    }
    int row = insertRow(rowId);
    lastRowId = rowId;
    lastRow = row;
    return row;
  }

  private int insertRow(String rowId) {
    int mask = slots.length - 1;
    int i = mix(rowId.hashCode()) & mask;
    for (; ; i = (i + 1) & mask) {
      int s = slots[i];
      if (s == 0) {
        break;
      }
      String candidate = rowIds[s - 1];
      if (candidate == rowId || candidate.equals(rowId)) {
        return s - 1;
      }
    }
    if (rowCount == rowIds.length) {
      int cap = rowIds.length + (rowIds.length >> 1);
      rowIds = Arrays.copyOf(rowIds, cap);
      liveCells = Arrays.copyOf(liveCells, cap);
    }
    int row = rowCount++;
    rowIds[row] = rowId;
    slots[i] = row + 1;
    if (rowCount * 2 > slots.length) {
      rehash(slots.length * 2);
    }
    return row;
  }

  /**
   * Makes room for {@code more} new rows at once (a delta announces its row count), so a bulk
   * load does not grow the row dictionary and every column step by step.
   */
  public void reserveRows(int more) {
    int need = rowCount + more;
    if (need > rowIds.length) {
      rowIds = Arrays.copyOf(rowIds, need);
      liveCells = Arrays.copyOf(liveCells, need);
    }
    int slotsNeeded = Integer.highestOneBit(Math.max(16, need * 2 - 1)) << 1;
    if (slotsNeeded > slots.length) {
      rehash(slotsNeeded);
    }
    rowCapacityHint = Math.max(rowCapacityHint, need);
  }

  private void rehash(int capacity) {
    int[] fresh = new int[capacity];
    int mask = capacity - 1;
    for (int r = 0; r < rowCount; r++) {
      int i = mix(rowIds[r].hashCode()) & mask;
      while (fresh[i] != 0) {
        i = (i + 1) & mask;
      }
      fresh[i] = r + 1;
    }
    slots = fresh;
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  // ---- columns --------------------------------------------------------------------------------

  public int columnCount() {
    return cellIds.length;
  }

  public String cellId(int col) {
    return cellIds[col];
  }

  public int findColumn(String cellId) {
    Integer c = columnIndex.get(cellId);
    return c == null ? -1 : c;
  }

  public int column(String cellId) {
    String[] ids = cellIds;
    for (int i = 0, n = Math.min(ids.length, 16); i < n; i++) {
      if (ids[i] == cellId) {
        return i; // the common case: callers reuse the same id instances
      }
    }
    Integer c = columnIndex.get(cellId);
    if (c != null) {
      return c;
    }
    int col = cellIds.length;
    cellIds = Arrays.copyOf(cellIds, col + 1);
    cellIds[col] = cellId;
    columns = Arrays.copyOf(columns, col + 1);
    columns[col] = new Column();
    columnIndex.put(cellId, col);
    return col;
  }

  // ---- cells ----------------------------------------------------------------------------------

  /** The backing kind array of a column (may be shorter than {@link #rowCount()}): for bulk scans. */
  public byte[] kindsOf(int col) {
    return columns[col].kinds;
  }

  /** The backing stamp-high array of a column, parallel to {@link #kindsOf}. */
  public long[] hisOf(int col) {
    return columns[col].his;
  }

  /** The backing stamp-low array of a column, parallel to {@link #kindsOf}. */
  public int[] losOf(int col) {
    return columns[col].los;
  }

  /** The backing value-bits array of a column, or {@code null} if it never held a number. */
  public long[] bitsOf(int col) {
    return columns[col].bits;
  }

  /** The backing reference array of a column, or {@code null} if it never held a string or JSON. */
  public Object[] refsOf(int col) {
    return columns[col].refs;
  }

  public byte kind(int row, int col) {
    byte[] k = columns[col].kinds;
    return row < k.length ? k[row] : Values.ABSENT;
  }

  /** The value bits of a cell; 0 if it holds no number. */
  public long bits(int row, int col) {
    long[] b = columns[col].bits;
    return b != null && row < b.length ? b[row] : 0;
  }

  /** The string or JSON tree of a cell; {@code null} if it holds neither. */
  public Object ref(int row, int col) {
    Object[] r = columns[col].refs;
    return r != null && row < r.length ? r[row] : null;
  }

  /** The high half of the cell's packed stamp; 0 if absent. */
  public long hi(int row, int col) {
    long[] h = columns[col].his;
    return row < h.length ? h[row] : 0;
  }

  /** The low half of the cell's packed stamp; 0 if absent. */
  public int lo(int row, int col) {
    int[] l = columns[col].los;
    return row < l.length ? l[row] : 0;
  }

  /** The caller-facing value of a cell, {@code null} if absent or deleted. */
  public Object value(int row, int col) {
    Column c = columns[col];
    if (row >= c.kinds.length) {
      return null;
    }
    byte k = c.kinds[row];
    return Values.toObject(k, k == Values.INTEGER || k == Values.DOUBLE ? c.bits[row] : 0,
        k == Values.STRING || k == Values.JSON ? c.refs[row] : null);
  }

  /** Overwrites a cell, keeping live-cell and live-row counts. Does not touch the change index. */
  public void write(int row, int col, byte kind, long bits, Object ref, long hi, int lo) {
    Column c = columns[col];
    c.ensure(row, kind, rowCapacityHint);
    byte old = c.kinds[row];
    c.kinds[row] = kind;
    if (kind == Values.INTEGER || kind == Values.DOUBLE) {
      c.bits[row] = bits;
    }
    if (c.refs != null) {
      c.refs[row] = ref;
    }
    c.his[row] = hi;
    c.los[row] = lo;
    boolean wasLive = old > Values.TOMBSTONE;
    boolean isLive = kind > Values.TOMBSTONE;
    if (old == Values.ABSENT && kind != Values.ABSENT) {
      presentCells++;
    } else if (old != Values.ABSENT && kind == Values.ABSENT) {
      presentCells--;
    }
    if (wasLive != isLive) {
      int n = liveCells[row] += isLive ? 1 : -1;
      if (isLive && n == 1) {
        liveRows++;
      } else if (!isLive && n == 0) {
        liveRows--;
      }
    }
  }

  /** One column's parallel arrays, indexed by row; {@code bits} and {@code refs} exist only once needed. */
  private static final class Column {
    byte[] kinds = new byte[0];
    long[] bits;
    Object[] refs;
    long[] his = new long[0];
    int[] los = new int[0];

    void ensure(int row, byte kind, int hint) {
      if (row >= kinds.length) {
        int cap = Math.max(row + 1, Math.max(8, kinds.length + (kinds.length >> 1)));
        if (hint > row) {
          cap = Math.max(cap, hint);
        }
        kinds = Arrays.copyOf(kinds, cap);
        his = Arrays.copyOf(his, cap);
        los = Arrays.copyOf(los, cap);
        if (bits != null) {
          bits = Arrays.copyOf(bits, cap);
        }
        if (refs != null) {
          refs = Arrays.copyOf(refs, cap);
        }
      }
      if (bits == null && (kind == Values.INTEGER || kind == Values.DOUBLE)) {
        bits = new long[kinds.length];
      }
      if (refs == null && (kind == Values.STRING || kind == Values.JSON)) {
        refs = new Object[kinds.length];
      }
    }
  }
}

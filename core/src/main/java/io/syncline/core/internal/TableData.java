package io.syncline.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;

/**
 * One table's cells in columnar form: a row dictionary (id to dense index), a column
 * dictionary, and per column parallel primitive arrays of kind, value bits, JSON reference and
 * packed stamp. No object is allocated per cell except JSON trees: a string cell's UTF-8 bytes
 * live in its column's text arena and its {@code bits} hold their place ({@link #textRef}), so
 * loading and encoding strings are byte copies and the garbage collector has nothing per cell to
 * trace. A million-cell table of ten mixed columns loaded from a full state takes about 36 bytes
 * a cell, row ids included; written row by row, 43 to 59 bytes a cell (its arrays grow by
 * doubling, see {@link #capacityFor}; {@code syncline-bench.jar W1 --rows N}, heapBytesPerCellVsEmpty).
 *
 * <p>The text arena only grows: a string that is overwritten leaves its bytes behind as garbage
 * until {@link #compactText()}, which the store calls between transactions. Until then every
 * {@code textRef} handed out stays valid, which is what undo and old values in events rely on;
 * an arena array is never written below the length it had when a reference into it was taken,
 * so a reference paired with {@link #textOf} stays readable from another thread afterwards.
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
  private long[] slots = new long[16]; // open addressing, see slot(); 0 = empty
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
    int hash = mix(rowId.hashCode());
    int mask = slots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        return -1;
      }
      if ((int) (s >>> 32) == hash) {
        String candidate = rowIds[(int) s - 1];
        if (candidate == rowId || candidate.equals(rowId)) {
          return (int) s - 1;
        }
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

  /** The indexes of {@code rowIds[0, n)} into {@code out}, adding rows that are new, as {@link #row} does. */
  public void rows(String[] rowIds, int n, int[] out) {
    for (int i = 0; i < n; i++) {
      out[i] = insertRow(rowIds[i]);
    }
  }

  private int insertRow(String rowId) {
    int hash = mix(rowId.hashCode());
    int mask = slots.length - 1;
    int i = hash & mask;
    for (; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        break;
      }
      if ((int) (s >>> 32) == hash) {
        String candidate = rowIds[(int) s - 1];
        if (candidate == rowId || candidate.equals(rowId)) {
          return (int) s - 1;
        }
      }
    }
    if (rowCount == rowIds.length) {
      int cap = capacityFor(rowCount + 1);
      rowIds = Arrays.copyOf(rowIds, cap);
      liveCells = Arrays.copyOf(liveCells, cap);
    }
    int row = rowCount++;
    rowIds[row] = rowId;
    slots[i] = slot(hash, row);
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
    long[] fresh = new long[capacity];
    int mask = capacity - 1;
    for (long s : slots) {
      if (s != 0) {
        int i = (int) (s >>> 32) & mask;
        while (fresh[i] != 0) {
          i = (i + 1) & mask;
        }
        fresh[i] = s;
      }
    }
    slots = fresh;
  }

  /**
   * The capacity an array grows to when it must hold {@code need} entries: the next
   * {@code 2^k - 17} (at least 15), so that growing doubles it and every array of that length,
   * with its 16-byte header, stays below a power of two bytes whether its entries take 1, 4 or 8
   * bytes. G1 places an array of half a region or more in whole regions of its own; one just over
   * a power of two bytes (a {@code long[2^18]} is 2 MiB and 16 bytes) would leave its last region
   * nearly empty and double the table's footprint.
   */
  static int capacityFor(int need) {
    long c = Long.highestOneBit(Math.max(32L, need + 17L) - 1) << 1;
    return (int) Math.min(c - 17, Integer.MAX_VALUE - 8);
  }

  /** A slot holds the mixed hash (so probing rarely touches a row id) and the row index + 1. */
  private static long slot(int hash, int row) {
    return (long) hash << 32 | (row + 1L);
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

  /** Drops every column and cell (and the change index), keeping the row dictionary. */
  public void clear() {
    cellIds = NO_STRINGS;
    columns = new Column[0];
    columnIndex.clear();
    Arrays.fill(liveCells, 0);
    liveRows = 0;
    presentCells = 0;
    index.clear();
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

  /** The backing JSON reference array of a column, or {@code null} if it never held JSON. */
  public Object[] refsOf(int col) {
    return columns[col].refs;
  }

  /** The text arena of a column: string cells' bytes, addressed by the {@link #textRef} in their bits. */
  public byte[] textOf(int col) {
    return columns[col].text;
  }

  /** The bits of a string cell: where its UTF-8 bytes are in the column's text arena. */
  public static long textRef(int offset, int length) {
    return (long) offset << 32 | (length & 0xFFFFFFFFL);
  }

  public static int textOffset(long textRef) {
    return (int) (textRef >>> 32);
  }

  public static int textLength(long textRef) {
    return (int) textRef;
  }

  /** The string at {@code textRef} in {@code arena}. */
  public static String text(byte[] arena, long textRef) {
    return new String(arena, textOffset(textRef), textLength(textRef), StandardCharsets.UTF_8);
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

  /** The JSON tree of a cell; {@code null} if it holds none (strings are in the text arena). */
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
    return valueOf(col, k, k >= Values.STRING && k <= Values.DOUBLE ? c.bits[row] : 0,
        k == Values.JSON ? c.refs[row] : null);
  }

  /**
   * The caller-facing value of a stored {@code (kind, bits, ref)} triple of column {@code col},
   * such as one kept by an undo log: a string is read from the column's text arena.
   */
  public Object valueOf(int col, byte kind, long bits, Object ref) {
    return kind == Values.STRING ? text(columns[col].text, bits) : Values.toObject(kind, bits, ref);
  }

  /** True if the cell holds exactly {@code (kind, bits, ref)}, a value offered by a caller (ref: String or JSON). */
  public boolean holds(int row, int col, byte kind, long bits, Object ref) {
    if (kind(row, col) != kind) {
      return false;
    }
    switch (kind) {
      case Values.STRING:
        return sameText(columns[col], columns[col].bits[row], (String) ref);
      case Values.JSON:
        return columns[col].refs[row].equals(ref);
      case Values.INTEGER:
      case Values.DOUBLE:
        return columns[col].bits[row] == bits;
      default:
        return true;
    }
  }

  private static boolean sameText(Column c, long textRef, String s) {
    int off = textOffset(textRef);
    int len = textLength(textRef);
    int n = s.length();
    if (n == len) {
      byte[] t = c.text;
      int i = 0;
      for (; i < n; i++) {
        char ch = s.charAt(i);
        if (ch >= 0x80) {
          break;
        }
        if (t[off + i] != (byte) ch) {
          return false;
        }
      }
      if (i == n) {
        return true;
      }
    } else if (n > len) {
      return false; // UTF-8 never takes fewer bytes than UTF-16 code units
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Arrays.equals(b, 0, b.length, c.text, off, off + len);
  }

  /**
   * Overwrites a cell, keeping live-cell and live-row counts. Does not touch the change index.
   * For a string, {@code ref} is the {@code String} to store, or {@code null} if {@code bits}
   * already is a {@link #textRef} into this column's arena (an undo putting an old value back).
   */
  public void write(int row, int col, byte kind, long bits, Object ref, long hi, int lo) {
    Column c = columns[col];
    c.ensure(row, kind, rowCapacityHint);
    if (kind == Values.STRING && ref != null) {
      bits = c.append((String) ref);
    }
    put(c, row, kind, bits, ref, hi, lo);
  }

  /** Writes a string cell whose UTF-8 bytes are {@code src[off, off + len)} (already validated). */
  public void writeText(int row, int col, byte[] src, int off, int len, long hi, int lo) {
    Column c = columns[col];
    c.ensure(row, Values.STRING, rowCapacityHint);
    put(c, row, Values.STRING, c.append(src, off, len), null, hi, lo);
  }

  /**
   * Stores a run of decoded cells into column {@code col}, entry {@code i} at table row
   * {@code rowMap[batch.rows[i]]}: one tight loop for a bulk load, or array copies when the batch
   * covers consecutive table rows. Every one of those cells must be absent (the caller has
   * established that nothing needs merging); a present one throws {@link IllegalStateException},
   * and the cells of the batch before it may or may not have been stored.
   */
  public void load(int col, CellBatch batch, int[] rowMap) {
    int n = batch.size;
    if (n == 0) {
      return;
    }
    Column c = columns[col];
    int[] sectionRows = batch.rows;
    int r0 = rowMap[sectionRows[0]];
    boolean run = sectionRows[n - 1] - sectionRows[0] == n - 1 && isRun(rowMap, sectionRows[0], n);
    int maxRow = r0 + n - 1;
    if (!run) {
      maxRow = 0;
      for (int i = 0; i < n; i++) {
        maxRow = Math.max(maxRow, rowMap[sectionRows[i]]);
      }
    }
    int kindsSeen = 0; // bit k set if the batch holds kind k
    for (int i = 0; i < n; i++) {
      kindsSeen |= 1 << batch.kinds[i];
    }
    boolean numbers = (kindsSeen & (1 << Values.STRING | 1 << Values.INTEGER | 1 << Values.DOUBLE)) != 0;
    boolean trees = (kindsSeen & 1 << Values.JSON) != 0;
    c.ensure(maxRow, numbers ? Values.INTEGER : Values.TOMBSTONE, rowCapacityHint);
    if (trees) {
      c.ensure(maxRow, Values.JSON, rowCapacityHint);
    }
    byte[] kinds = c.kinds;
    long[] his = c.his;
    int[] los = c.los;
    long[] bits = c.bits;
    if (c.textUsed == 0 && batch.text != null && rowCapacityHint > maxRow + 1) {
      c.presizeText(batch, rowCapacityHint);
    }
    if (run) {
      loadRun(c, col, batch, r0, numbers, (kindsSeen & 1 << Values.STRING) != 0, trees);
      return;
    }
    for (int i = 0; i < n; i++) {
      int r = rowMap[sectionRows[i]];
      byte k = batch.kinds[i];
      if (kinds[r] != Values.ABSENT) {
        presentCells += i;
        throw presentInLoad(r, col);
      }
      kinds[r] = k;
      his[r] = batch.his[i];
      los[r] = batch.los[i];
      if (k == Values.STRING) {
        bits[r] = c.append(batch, i);
      } else if (k == Values.INTEGER || k == Values.DOUBLE) {
        bits[r] = batch.bits[i];
      } else if (k == Values.JSON) {
        c.refs[r] = batch.refs[i];
      }
      if (k > Values.TOMBSTONE) {
        if (liveCells[r]++ == 0) {
          liveRows++;
        }
      }
    }
    presentCells += n;
  }

  private IllegalStateException presentInLoad(int row, int col) {
    return new IllegalStateException("Bulk load into table '" + id + "' found cell " + rowIds[row] + "/" + cellIds[col]
        + " present");
  }

  private static boolean isRun(int[] rowMap, int from, int n) {
    int r0 = rowMap[from];
    int bad = 0;
    for (int i = 1; i < n; i++) {
      bad |= rowMap[from + i] - (r0 + i);
    }
    return bad == 0;
  }

  /** {@link #load} of a batch that covers table rows {@code [r0, r0 + size)} one after another. */
  private void loadRun(Column c, int col, CellBatch batch, int r0, boolean numbers, boolean strings, boolean trees) {
    int n = batch.size;
    byte[] kinds = c.kinds;
    byte[] bk = batch.kinds;
    int present = 0;
    for (int i = 0; i < n; i++) {
      present |= kinds[r0 + i];
    }
    if (present != Values.ABSENT) {
      for (int i = 0; i < n; i++) {
        if (kinds[r0 + i] != Values.ABSENT) {
          throw presentInLoad(r0 + i, col);
        }
      }
    }
    System.arraycopy(bk, 0, kinds, r0, n);
    System.arraycopy(batch.his, 0, c.his, r0, n);
    System.arraycopy(batch.los, 0, c.los, r0, n);
    if (!strings && numbers) {
      System.arraycopy(batch.bits, 0, c.bits, r0, n);
    } else if (strings) {
      long[] bits = c.bits;
      for (int i = 0; i < n; i++) {
        bits[r0 + i] = bk[i] == Values.STRING ? c.append(batch, i) : batch.bits[i];
      }
    }
    if (trees) {
      for (int i = 0; i < n; i++) {
        if (bk[i] == Values.JSON) {
          c.refs[r0 + i] = batch.refs[i];
        }
      }
    }
    int[] live = liveCells;
    int newRows = 0;
    for (int i = 0; i < n; i++) {
      if (bk[i] > Values.TOMBSTONE) {
        int was = live[r0 + i]++;
        newRows += was == 0 ? 1 : 0;
      }
    }
    liveRows += newRows;
    presentCells += n;
  }

  private void put(Column c, int row, byte kind, long bits, Object ref, long hi, int lo) {
    byte old = c.kinds[row];
    if (old == Values.STRING) {
      c.textGarbage += textLength(c.bits[row]);
    }
    c.kinds[row] = kind;
    if (kind >= Values.STRING && kind <= Values.DOUBLE) {
      c.bits[row] = bits;
    }
    if (c.refs != null) {
      c.refs[row] = kind == Values.JSON ? ref : null;
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

  /**
   * Rewrites the text arenas that are mostly garbage, keeping only the live strings. Invalidates
   * every {@link #textRef} taken before: call it only between transactions.
   */
  public void compactText() {
    for (Column c : columns) {
      if (c.textGarbage > 64 * 1024 && c.textGarbage * 2L > c.textUsed) {
        c.compactText(Math.min(rowCount, c.kinds.length));
      }
    }
  }

  /** One column's parallel arrays, indexed by row; {@code bits} and {@code refs} exist only once needed. */
  private static final class Column {
    private static final byte[] NO_TEXT = new byte[0];

    byte[] kinds = new byte[0];
    long[] bits; // numbers, booleans' nothing, strings' textRef
    Object[] refs; // JSON trees
    long[] his = new long[0];
    int[] los = new int[0];
    byte[] text = NO_TEXT;
    int textUsed;
    long textGarbage; // bytes of overwritten strings (an upper bound: undo may revive some)

    long append(String s) {
      int n = s.length();
      reserveText(n);
      byte[] t = text;
      int start = textUsed;
      int seen = 0; // no early exit: a branch-free loop that C2 unrolls; ASCII is checked after
      for (int i = 0; i < n; i++) {
        char ch = s.charAt(i);
        seen |= ch;
        t[start + i] = (byte) ch;
      }
      if (seen >= 0x80) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8); // overwrites the bytes just written
        return append(utf8, 0, utf8.length);
      }
      textUsed = start + n;
      return textRef(start, n);
    }

    /** Appends the string of entry {@code i} of a decoded batch: raw input bytes or a {@code String}. */
    long append(CellBatch batch, int i) {
      long b = batch.bits[i];
      return batch.text != null ? append(batch.text, textOffset(b), textLength(b)) : append((String) batch.refs[i]);
    }

    long append(byte[] src, int off, int len) {
      reserveText(len);
      int start = textUsed;
      if (len <= 32) {
        byte[] t = text;
        for (int i = 0; i < len; i++) {
          t[start + i] = src[off + i];
        }
      } else {
        System.arraycopy(src, off, text, start, len);
      }
      textUsed = start + len;
      return textRef(start, len);
    }

    /**
     * Sizes an empty arena for a bulk load of {@code rows} rows from its first batch, which
     * covers section rows {@code [0, batch.rows[size - 1]]}: their string bytes per row, times
     * {@code rows}, plus an eighth, so that the arena is not grown and copied a dozen times on the
     * way. Never more than the batch's strings and the input left after it can fill, so an
     * unrepresentative first batch cannot make it allocate beyond the input's size.
     */
    void presizeText(CellBatch batch, int rows) {
      long bytes = 0;
      for (int i = 0; i < batch.size; i++) {
        if (batch.kinds[i] == Values.STRING) {
          bytes += textLength(batch.bits[i]);
        }
      }
      long expected = bytes * rows / (batch.rows[batch.size - 1] + 1L);
      long size = Math.min(expected + (expected >> 3), bytes + batch.remaining);
      if (expected > 0 && size > text.length) {
        text = Arrays.copyOf(text, (int) Math.min(Integer.MAX_VALUE - 16, size)); // exactly: no growth rounding
      }
    }

    private void reserveText(int more) {
      long need = (long) textUsed + more;
      if (need > text.length) {
        if (need > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("A column's strings exceed 2 GiB");
        }
        text = Arrays.copyOf(text, capacityFor((int) Math.max(need, 256)));
      }
    }

    /** Copies the live strings of rows [0, rows) into a new arena; a new array, so old readers are unaffected. */
    void compactText(int rows) {
      long live = 0;
      for (int r = 0; r < rows; r++) {
        if (kinds[r] == Values.STRING) {
          live += textLength(bits[r]);
        }
      }
      byte[] fresh = new byte[(int) Math.max(256, live + (live >> 2))];
      int p = 0;
      for (int r = 0; r < rows; r++) {
        if (kinds[r] == Values.STRING) {
          int len = textLength(bits[r]);
          System.arraycopy(text, textOffset(bits[r]), fresh, p, len);
          bits[r] = textRef(p, len);
          p += len;
        }
      }
      text = fresh;
      textUsed = p;
      textGarbage = 0;
    }

    void ensure(int row, byte kind, int hint) {
      if (row >= kinds.length) {
        int cap = capacityFor(row + 1);
        if (hint > row) { // a bulk load knows its size: exactly that
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
      if (bits == null && kind >= Values.STRING && kind <= Values.DOUBLE) {
        bits = new long[kinds.length];
      }
      if (refs == null && kind == Values.JSON) {
        refs = new Object[kinds.length];
      }
    }
  }
}

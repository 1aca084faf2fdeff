package io.syncline.core.internal;

import io.syncline.core.Stamp;

/**
 * Reads the change block written by {@link ChangeEncoder}, validating every field, and hands
 * each table, row, cell and value to a {@link Visitor}. Malformed input throws
 * {@link io.syncline.core.CorruptDataException} from the underlying {@link ByteReader}.
 */
public final class ChangeDecoder {
  /**
   * Receives the decoded block in order; each method does nothing unless overridden, so a
   * validating read passes a bare {@code new Visitor() {}}. A string value arrives as a
   * {@code String} ref, or, from a decoder made with {@code rawText}, as the input array with
   * {@code bits} the {@link TableData#textRef} of its (validated) UTF-8 bytes there.
   */
  public interface Visitor {
    /**
     * Starts a table section of {@code rowCount} rows; {@code byColumn} if it is in the column
     * layout, where all rows come first and then the cells column by column.
     */
    default void table(String tableId, String[] cellIds, int rowCount, boolean byColumn) {}

    /** The section's next row; rows are numbered from 0 in the order they arrive. */
    default void row(String rowId) {}

    /** A cell of the section's row number {@code row}, in column {@code col} of the cell ids. */
    default void cell(int row, int col, byte kind, long bits, Object ref, long hi, int lo) {}

    /**
     * The next cells of column {@code col} of a column-layout section, in row order (see
     * {@link CellBatch}); by default handed to {@link #cell} one by one.
     */
    default void cells(int col, CellBatch batch) {
      for (int i = 0; i < batch.size; i++) {
        cell(batch.rows[i], col, batch.kinds[i], batch.bits[i], batch.ref(i), batch.his[i], batch.los[i]);
      }
    }

    default void value(String valueId, byte kind, long bits, Object ref, long hi, int lo) {}
  }

  private final ByteReader in;
  private final int version;
  private final boolean materialize;
  private final boolean rawText;
  private byte[] rowBytes = new byte[32];
  private int prevRowLen;
  private int[] clients;
  private int currentClient = -1;
  private long prevMillis;
  private int prevCounter;
  private long maxMillis;
  private int count;
  private final CellBatch batch;

  /** A decoder of a block in the given {@link Envelope} format version that creates every value. */
  public ChangeDecoder(ByteReader in, int version) {
    this(in, version, true, false);
  }

  /**
   * A decoder that, if {@code materialize} is false, validates cell values without creating
   * their strings and JSON trees (the visitor then receives {@code null} refs and row ids): a
   * cheap full validation pass. If {@code rawText}, a materialising decoder hands string values
   * over as places in the input (see {@link Visitor}) instead of creating them, for a visitor
   * that copies the bytes.
   */
  public ChangeDecoder(ByteReader in, int version, boolean materialize, boolean rawText) {
    this.in = in;
    this.version = version;
    this.materialize = materialize;
    this.rawText = rawText;
    this.batch = new CellBatch(rawText ? in.array() : null);
  }

  /** The largest millisecond of any stamp decoded so far. */
  public long maxMillis() {
    return maxMillis;
  }

  /** Cells and values decoded so far. */
  public int count() {
    return count;
  }

  public void read(Visitor v) {
    int n = in.readCount(4);
    clients = new int[n];
    for (int i = 0; i < n; i++) {
      clients[i] = in.readIntLE();
      if (clients[i] < 0 || clients[i] > Stamp.MAX_CLIENT_ID) {
        throw in.corrupt("client id " + clients[i] + " is not a 30-bit id");
      }
    }
    int tables = in.readCount(3);
    for (int t = 0; t < tables; t++) {
      String tableId = id("table id");
      int layout = version >= 2 ? in.readByte() : ChangeEncoder.LAYOUT_ROWS;
      if (layout != ChangeEncoder.LAYOUT_ROWS && layout != ChangeEncoder.LAYOUT_COLUMNS) {
        throw in.corrupt("table '" + tableId + "' has unknown layout " + layout);
      }
      int cols = in.readCount(2);
      String[] cellIds = new String[cols];
      for (int c = 0; c < cols; c++) {
        cellIds[c] = id("cell id");
      }
      boolean byColumn = layout == ChangeEncoder.LAYOUT_COLUMNS;
      int rows = in.readCount(byColumn ? 2 : 3);
      v.table(tableId, cellIds, rows, byColumn);
      prevRowLen = 0;
      if (byColumn) {
        readColumns(v, cols, rows);
      } else {
        readRows(v, cols, rows);
      }
    }
    int values = in.readCount(3);
    CellBatch b = batch;
    for (int i = 0; i < values; i++) {
      String valueId = id("value id");
      body(b, 0);
      v.value(valueId, b.kinds[0], b.bits[0], b.ref(0), b.his[0], b.los[0]);
    }
  }

  private void readRows(Visitor v, int cols, int rows) {
    CellBatch b = batch;
    for (int r = 0; r < rows; r++) {
      v.row(rowId());
      int cells = in.readCount(3);
      for (int c = 0; c < cells; c++) {
        long col = in.readVarint();
        if (col >= cols || col < 0) {
          throw in.corrupt("cell column " + col + " is outside the table's " + cols + " columns");
        }
        body(b, 0);
        v.cell(r, (int) col, b.kinds[0], b.bits[0], b.ref(0), b.his[0], b.los[0]);
      }
    }
  }

  private void readColumns(Visitor v, int cols, int rows) {
    for (int r = 0; r < rows; r++) {
      v.row(rowId());
    }
    CellBatch b = batch;
    for (int c = 0; c < cols; c++) {
      int cells = in.readCount(2);
      if (cells > rows) {
        throw in.corrupt("column " + c + " has " + cells + " cells for " + rows + " rows");
      }
      boolean dense = cells == rows;
      int row = -1;
      int n = 0;
      for (int i = 0; i < cells; i++) {
        if (dense) {
          row = i;
        } else {
          long gap = in.readVarint();
          if (gap < 0 || gap >= rows - row - 1) {
            throw in.corrupt("column " + c + " skips " + Long.toUnsignedString(gap) + " rows past row " + row
                + " of " + rows);
          }
          row += (int) gap + 1;
        }
        b.rows[n] = row;
        body(b, n);
        if (++n == CellBatch.CAPACITY) {
          b.size = n;
          b.remaining = in.remaining();
          v.cells(c, b);
          n = 0;
        }
      }
      if (n > 0) {
        b.size = n;
        b.remaining = in.remaining();
        v.cells(c, b);
      }
    }
  }

  /** Reads a prefix-coded row id; null if not materialising and it is ASCII. */
  private String rowId() {
    ByteReader.PrefixedId pid = in.readPrefixed(rowBytes, prevRowLen, materialize);
    rowBytes = pid.bytes();
    prevRowLen = pid.length();
    if (prevRowLen == 0) {
      throw in.corrupt("row id is empty");
    }
    return pid.id();
  }

  private String id(String what) {
    if (!materialize) {
      if (in.skipString() == 0) {
        throw in.corrupt(what + " is empty");
      }
      return null;
    }
    String s = in.readString();
    if (s.isEmpty()) {
      throw in.corrupt(what + " is empty");
    }
    return s;
  }

  /** Reads one cell's tag, stamp and value into entry {@code i} of {@code b}. */
  private void body(CellBatch b, int i) {
    int tag = in.readByte();
    int k = tag & 7;
    if (k == 0 || (tag & 0xE0) != 0) {
      throw in.corrupt("invalid cell tag 0x" + Integer.toHexString(tag));
    }
    if ((tag & ChangeEncoder.TAG_CLIENT) != 0) {
      long idx = in.readVarint();
      if (idx < 0 || idx >= clients.length) {
        throw in.corrupt("client index " + idx + " is outside the client table of " + clients.length);
      }
      currentClient = clients[(int) idx];
    } else if (currentClient < 0) {
      throw in.corrupt("first cell names no client");
    }
    long millis;
    long counter;
    if ((tag & ChangeEncoder.TAG_MILLIS) != 0) {
      millis = prevMillis + in.readZigzag();
      counter = in.readVarint();
    } else {
      millis = prevMillis;
      counter = prevCounter + in.readZigzag();
    }
    if (millis < 0 || millis > Stamp.MAX_MILLIS || counter < 0 || counter > Stamp.MAX_COUNTER) {
      throw in.corrupt("stamp " + millis + "." + counter + " is out of range");
    }
    prevMillis = millis;
    prevCounter = (int) counter;
    if (millis > maxMillis) {
      maxMillis = millis;
    }
    b.his[i] = Stamp.pack(millis, (int) counter);
    b.los[i] = Stamp.packLo((int) counter, currentClient);
    b.kinds[i] = (byte) k;
    long bits = 0;
    switch (k) {
      case Values.STRING:
        if (rawText) {
          bits = in.readTextRef();
        } else if (materialize) {
          b.refs[i] = in.readString();
        } else {
          b.refs[i] = null;
          in.skipString();
        }
        break;
      case Values.INTEGER:
        bits = in.readZigzag();
        break;
      case Values.DOUBLE: {
        bits = in.readLongLE();
        if ((bits & EXPONENT) == EXPONENT) {
          throw in.corrupt("number is not finite");
        }
        break;
      }
      case Values.JSON: {
        Object tree = Values.readJson(in);
        if (!(tree instanceof java.util.Map<?, ?>) && !(tree instanceof java.util.List<?>)) {
          throw in.corrupt("a JSON cell holds neither an object nor an array");
        }
        b.refs[i] = tree;
        break;
      }
      default:
        break;
    }
    b.bits[i] = bits;
    count++;
  }

  /** The exponent bits of a double, all set for NaN and the infinities. */
  private static final long EXPONENT = 0x7FF0000000000000L;
}

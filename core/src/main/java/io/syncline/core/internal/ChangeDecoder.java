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
  // the last decoded cell
  private byte kind;
  private long bits;
  private Object ref;
  private long hi;
  private int lo;

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
    for (int i = 0; i < values; i++) {
      String valueId = id("value id");
      body();
      v.value(valueId, kind, bits, ref, hi, lo);
    }
  }

  private void readRows(Visitor v, int cols, int rows) {
    for (int r = 0; r < rows; r++) {
      v.row(rowId());
      int cells = in.readCount(3);
      for (int c = 0; c < cells; c++) {
        long col = in.readVarint();
        if (col >= cols || col < 0) {
          throw in.corrupt("cell column " + col + " is outside the table's " + cols + " columns");
        }
        body();
        v.cell(r, (int) col, kind, bits, ref, hi, lo);
      }
    }
  }

  private void readColumns(Visitor v, int cols, int rows) {
    for (int r = 0; r < rows; r++) {
      v.row(rowId());
    }
    for (int c = 0; c < cols; c++) {
      int cells = in.readCount(2);
      if (cells > rows) {
        throw in.corrupt("column " + c + " has " + cells + " cells for " + rows + " rows");
      }
      boolean dense = cells == rows;
      long row = -1;
      for (int i = 0; i < cells; i++) {
        if (dense) {
          row = i;
        } else {
          long gap = in.readVarint();
          if (gap < 0 || gap >= rows - row - 1) {
            throw in.corrupt("column " + c + " skips " + Long.toUnsignedString(gap) + " rows past row " + row
                + " of " + rows);
          }
          row += gap + 1;
        }
        body();
        v.cell((int) row, c, kind, bits, ref, hi, lo);
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

  private void body() {
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
    maxMillis = Math.max(maxMillis, millis);
    hi = Stamp.pack(millis, (int) counter);
    lo = Stamp.packLo((int) counter, currentClient);
    kind = (byte) k;
    bits = 0;
    ref = null;
    switch (kind) {
      case Values.STRING:
        if (rawText) {
          bits = in.readTextRef();
          ref = in.array();
        } else if (materialize) {
          ref = in.readString();
        } else {
          in.skipString();
        }
        break;
      case Values.INTEGER:
        bits = in.readZigzag();
        break;
      case Values.DOUBLE: {
        bits = in.readLongLE();
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw in.corrupt("number is not finite");
        }
        break;
      }
      case Values.JSON:
        ref = Values.readJson(in);
        if (!(ref instanceof java.util.Map<?, ?>) && !(ref instanceof java.util.List<?>)) {
          throw in.corrupt("a JSON cell holds neither an object nor an array");
        }
        break;
      default:
        break;
    }
    count++;
  }
}

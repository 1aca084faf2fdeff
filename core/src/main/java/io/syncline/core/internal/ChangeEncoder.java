package io.syncline.core.internal;

import java.util.HashMap;

/**
 * Writes the change block shared by changesets and deltas (see {@code docs/protocol.md},
 * "Change block"):
 *
 * <pre>
 * varint nClients, nClients x u32le clientId
 * varint nTables, per table: string id, u8 layout, varint nCols, nCols x string cellId, varint nRows, then
 *   layout 0 (rows):    per row: rowId, varint nCells, per cell: varint col, cell
 *   layout 1 (columns): nRows x rowId, then per column: varint nCells,
 *                       per cell: [varint gap, if nCells &lt; nRows] cell
 * rowId = varint shared, string suffix: the first {@code shared} bytes of the table's previous
 *         row id (an ASCII prefix), then the suffix
 * varint nValues, per value: string id, cell
 * cell = u8 tag [varint clientIndex] stamp value
 *   tag bits 0-2: kind (1 tombstone, 2 string, 3 integer, 4 double, 5 false, 6 true, 7 json)
 *   tag bit 3: a client index follows; bit 4: a new millisecond follows; bits 5-7: zero
 *   stamp: bit 4 set: zigzag(millis - previous millis), varint counter
 *          bit 4 clear: zigzag(counter - previous counter) (same millisecond as the previous cell)
 *   value: string: string; integer: zigzag varint; double: 8 bytes LE; json: tagged tree; others: nothing
 * </pre>
 *
 * Stamps are delta-coded against the previous cell in the block, so a row written in one burst
 * costs about one byte of stamp per cell. The column layout serves a table most of whose cells
 * are sent (a full state): a dense column needs no column numbers, and both ends walk one
 * column's arrays at a time instead of all of them at once. Format version 1 had no layout byte
 * and only the row layout.
 */
public final class ChangeEncoder {
  static final int TAG_CLIENT = 0x08;
  static final int TAG_MILLIS = 0x10;
  public static final int LAYOUT_ROWS = 0;
  public static final int LAYOUT_COLUMNS = 1;
  /** The most a cell other than a string or JSON takes: tag, client index, millis, counter, value. */
  private static final int MAX_FIXED_CELL = 1 + 5 + 10 + 5 + 10;

  private final ByteWriter out;
  private final HashMap<Integer, Integer> clientIndex = new HashMap<>();
  private int currentClient = -1;
  private long prevMillis;
  private int prevCounter;
  private long maxMillis;
  private String prevRowId = "";
  // the arrays of the column being written by column()
  private byte[] kinds;
  private long[] his;
  private int[] los;
  private long[] bits;
  private Object[] refs;
  private byte[] text;

  public ChangeEncoder(ByteWriter out) {
    this.out = out;
  }

  /** Starts a table in the given layout: the next row id is written without a shared prefix. */
  public void table(String tableId, int layout) {
    out.writeString(tableId);
    out.writeByte(layout);
    prevRowId = "";
  }

  /** The largest millisecond of any stamp written so far. */
  public long maxMillis() {
    return maxMillis;
  }

  /**
   * Writes a row id as {@code varint shared, string suffix}: the number of leading bytes it
   * shares with the previous row id of the same table (counted over an ASCII prefix only, so the
   * count is the same in chars and UTF-8 bytes) and the rest. Sorted ids like "r1200", "r1207"
   * then cost two or three bytes.
   */
  public void rowId(String rowId) {
    String prev = prevRowId;
    int max = Math.min(prev.length(), rowId.length());
    int shared = 0;
    while (shared < max) {
      char c = rowId.charAt(shared);
      if (c >= 0x80 || c != prev.charAt(shared)) {
        break;
      }
      shared++;
    }
    out.writeVarint(shared);
    out.writeString(rowId, shared);
    prevRowId = rowId;
  }

  /** Writes the client table; every stamp written afterwards must use one of these ids. */
  public void clients(int[] ids, int n) {
    out.writeVarint(n);
    for (int i = 0; i < n; i++) {
      clientIndex.put(ids[i], i);
      out.writeIntLE(ids[i]);
    }
  }

  /** Writes one cell (or value) body: tag, optional client index, stamp, value (a String or JSON tree). */
  public void cell(byte kind, long bits, Object ref, long hi, int lo) {
    head(kind, hi, lo);
    switch (kind) {
      case Values.STRING:
        out.writeString((String) ref);
        break;
      case Values.INTEGER:
        out.writeZigzag(bits);
        break;
      case Values.DOUBLE:
        out.writeLongLE(bits);
        break;
      case Values.JSON:
        Values.writeJson(out, ref);
        break;
      default:
        break;
    }
  }

  /** Writes a string cell body whose value is at {@code textRef} in a column's text arena. */
  public void text(byte[] arena, long textRef, long hi, int lo) {
    head(Values.STRING, hi, lo);
    int len = TableData.textLength(textRef);
    out.writeVarint(len);
    out.writeBytes(arena, TableData.textOffset(textRef), len);
  }

  /** Writes a cell body's tag, client index and stamp; the value follows. */
  private void head(byte kind, long hi, int lo) {
    long millis = hi >>> 22;
    int counter = (int) ((hi & 0x3FFFFF) << 2) | (lo >>> 30);
    int client = lo & 0x3FFFFFFF;
    int tag = kind;
    int index = -1;
    if (client != currentClient) {
      Integer i = clientIndex.get(client);
      if (i == null) {
        throw new IllegalStateException("client " + client + " missing from the block's client table");
      }
      index = i;
      tag |= TAG_CLIENT;
      currentClient = client;
    }
    if (millis != prevMillis) {
      tag |= TAG_MILLIS;
      maxMillis = Math.max(maxMillis, millis);
    }
    out.writeByte(tag);
    if (index >= 0) {
      out.writeVarint(index);
    }
    if (millis != prevMillis) {
      out.writeZigzag(millis - prevMillis);
      out.writeVarint(counter);
      prevMillis = millis;
    } else {
      out.writeZigzag((long) counter - prevCounter);
    }
    prevCounter = counter;
  }

  /**
   * Writes column {@code col} of a column-layout table section: the cells of the rows whose bit
   * is set in {@code picked} (indexed by table row), each preceded by its gap unless
   * {@code dense}; {@code ordinal} maps a table row to its place among the section's rows. The
   * same bytes as {@link #cell}, written straight into the buffer.
   */
  public void column(TableData td, int col, long[] picked, int[] ordinal, boolean dense) {
    kinds = td.kindsOf(col);
    his = td.hisOf(col);
    los = td.losOf(col);
    bits = td.bitsOf(col);
    refs = td.refsOf(col);
    text = td.textOf(col);
    int prevOrdinal = -1;
    for (int w = 0; w < picked.length; w++) {
      for (long word = picked[w]; word != 0; word &= word - 1) {
        int r = w << 6 | Long.numberOfTrailingZeros(word);
        int gap = -1;
        if (!dense) {
          gap = ordinal[r] - prevOrdinal - 1;
          prevOrdinal = ordinal[r];
        }
        columnCell(r, gap);
      }
    }
    kinds = null;
    his = null;
    los = null;
    bits = null;
    refs = null;
    text = null;
  }

  /**
   * One cell of {@link #column}, {@code gap} first unless negative. A method of its own so that a
   * cold JVM compiles it after a few hundred cells rather than interpreting a whole column.
   */
  private void columnCell(int r, int gap) {
    byte kind = kinds[r];
    int textLen = kind == Values.STRING ? TableData.textLength(bits[r]) : 0;
    byte[] b = out.room(MAX_FIXED_CELL + 5 + textLen);
    int p = out.position();
    if (gap >= 0) {
      p = ByteWriter.putVarint(b, p, gap);
    }
    long hi = his[r];
    int lo = los[r];
    if ((lo & 0x3FFFFFFF) != currentClient || hi >>> 22 != prevMillis || kind == Values.JSON) {
      out.moveTo(p); // the rare case: the general path
      if (kind == Values.STRING) {
        text(text, bits[r], hi, lo);
      } else {
        cell(kind, bits == null ? 0 : bits[r], refs == null ? null : refs[r], hi, lo);
      }
      return;
    }
    int counter = (int) ((hi & 0x3FFFFF) << 2) | (lo >>> 30);
    b[p++] = kind;
    p = ByteWriter.putVarint(b, p, ByteWriter.zigzag((long) counter - prevCounter));
    prevCounter = counter;
    switch (kind) {
      case Values.STRING:
        p = ByteWriter.putVarint(b, p, textLen);
        System.arraycopy(text, TableData.textOffset(bits[r]), b, p, textLen);
        p += textLen;
        break;
      case Values.INTEGER:
        p = ByteWriter.putVarint(b, p, ByteWriter.zigzag(bits[r]));
        break;
      case Values.DOUBLE:
        ByteWriter.putLongLE(b, p, bits[r]);
        p += 8;
        break;
      default:
        break;
    }
    out.moveTo(p);
  }
}

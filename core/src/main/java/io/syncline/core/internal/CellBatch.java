package io.syncline.core.internal;

/**
 * A run of decoded cells of one column, in parallel arrays: what {@link ChangeDecoder} hands a
 * {@link ChangeDecoder.Visitor} for a column-layout section, {@value #CAPACITY} cells at a time,
 * so that decoding and storing are each a tight loop over arrays small enough to stay in the
 * processor's cache.
 *
 * <p>Entry {@code i < size} is the cell of the section's row number {@code rows[i]}, in strictly
 * increasing row order, with value {@code (kinds[i], bits[i])} and stamp {@code (his[i], los[i])}.
 * A JSON cell's tree is in {@code refs[i]}; so is a string cell's {@code String}, unless the
 * decoder reads raw text: then {@code bits[i]} is the {@link TableData#textRef} of its validated
 * UTF-8 bytes in {@link #text}. Other entries of {@code refs} are stale and must not be read.
 * Valid only during the visitor call; the decoder reuses it.
 */
public final class CellBatch {
  public static final int CAPACITY = 512;

  public final int[] rows = new int[CAPACITY];
  public final byte[] kinds = new byte[CAPACITY];
  public final long[] bits = new long[CAPACITY];
  public final Object[] refs = new Object[CAPACITY];
  public final long[] his = new long[CAPACITY];
  public final int[] los = new int[CAPACITY];
  /** The decoder's input, where raw string cells' bytes are; null if strings arrive as refs. */
  public final byte[] text;
  public int size;
  /** Input bytes after the batch's last cell: a bound on what later cells can bring. */
  public int remaining;

  CellBatch(byte[] text) {
    this.text = text;
  }

  /** The value reference of entry {@code i} as {@link ChangeDecoder.Visitor#cell} receives it. */
  public Object ref(int i) {
    byte k = kinds[i];
    return k == Values.JSON ? refs[i] : k == Values.STRING ? (text != null ? text : refs[i]) : null;
  }
}

package io.syncline.core.internal;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The order in which a table's cells received their current stamps, so that
 * {@code deltaSince} can find the cells newer than a version vector without scanning the table.
 *
 * <p>Entries {@code (row, col)} are appended in application order into blocks of
 * {@value #BLOCK} entries; each block keeps, per writer client id, the highest stamp appended to
 * it. A block whose maxima are all covered by the asking side's version vector is skipped whole.
 * Entries superseded by a later write of the same cell are garbage; {@link #compact} drops them
 * (keeping order) once they outnumber the live ones. The cost of a delta is therefore
 * proportional to the number of blocks plus the entries of the blocks that changed, not to the
 * size of the table.
 */
public final class ChangeIndex {
  static final int BLOCK = 4096;

  private long[][] blocks = new long[0][];
  private int[] sizes = new int[0]; // entries of each block but the last
  private StampMaxima[] summaries = new StampMaxima[0];
  private int blockCount;
  private int lastFill;
  private boolean lastSealed;
  private long entries;

  public long entries() {
    return entries;
  }

  public int blockCount() {
    return blockCount;
  }

  public int blockSize(int b) {
    return b == blockCount - 1 ? lastFill : sizes[b];
  }

  /**
   * Makes the next block big enough for {@code entries} appends (a bulk load announces its size),
   * so a million-cell load allocates one array instead of hundreds of small ones for the garbage
   * collector to copy. The block's summary is as coarse as its contents are uniform.
   */
  public void reserve(int entries) {
    if (entries <= BLOCK) {
      return;
    }
    seal();
    addBlock(Math.min(entries, 1 << 24));
  }

  /**
   * Ends the current block: later appends start a new one. Called after a bulk load, so that
   * later writes do not widen the bulk block's summary (which would make every later delta scan
   * it).
   */
  public void seal() {
    if (blockCount > 0 && blocks[blockCount - 1].length > BLOCK) {
      lastSealed = true; // only bulk blocks: sealing small ones would waste a block per delta
    }
  }

  private void addBlock(int size) {
    if (blockCount == blocks.length) {
      int cap = Math.max(4, blockCount * 2);
      blocks = Arrays.copyOf(blocks, cap);
      summaries = Arrays.copyOf(summaries, cap);
    }
    if (blockCount > 0) {
      if (sizes.length < blocks.length) {
        sizes = Arrays.copyOf(sizes, blocks.length);
      }
      sizes[blockCount - 1] = lastFill;
    }
    blocks[blockCount] = new long[size];
    summaries[blockCount] = new StampMaxima(1);
    blockCount++;
    lastFill = 0;
    lastSealed = false;
  }

  /** Forgets every entry. */
  public void clear() {
    blocks = new long[0][];
    summaries = new StampMaxima[0];
    sizes = new int[0];
    blockCount = 0;
    lastFill = 0;
    lastSealed = false;
    entries = 0;
  }

  public long entry(int b, int i) {
    return blocks[b][i];
  }

  public static int rowOf(long entry) {
    return (int) (entry >>> 32);
  }

  public static int colOf(long entry) {
    return (int) entry;
  }

  public void append(int row, int col, int clientId, long hi, int lo) {
    if (blockCount == 0 || lastSealed || lastFill == blocks[blockCount - 1].length) {
      addBlock(BLOCK);
    }
    blocks[blockCount - 1][lastFill++] = (long) row << 32 | (col & 0xFFFFFFFFL);
    summaries[blockCount - 1].add(clientId, hi, lo);
    entries++;
  }

  /** True if block {@code b} may hold a cell whose stamp is newer than {@code vv} says for its writer. */
  public boolean mayHaveNewer(int b, StampLookup vv) {
    StampMaxima s = summaries[b];
    for (int i = 0; i < s.size(); i++) {
      if (vv.isNewer(s.client(i), s.hi(i), s.lo(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Rebuilds the index keeping only each cell's latest entry, in the original order, with exact
   * block maxima read from the table.
   */
  public void compact(TableData table) {
    int cols = Math.max(1, table.columnCount());
    BitSet seen = new BitSet(table.rowCount() * cols);
    long[] kept = new long[(int) Math.min(Integer.MAX_VALUE - 8, entries)];
    int n = 0;
    for (int b = blockCount - 1; b >= 0; b--) {
      long[] block = blocks[b];
      for (int i = blockSize(b) - 1; i >= 0; i--) {
        long e = block[i];
        int bit = rowOf(e) * cols + colOf(e);
        if (!seen.get(bit)) {
          seen.set(bit);
          kept[n++] = e;
        }
      }
    }
    clear();
    for (int i = n - 1; i >= 0; i--) {
      int row = rowOf(kept[i]);
      int col = colOf(kept[i]);
      if (table.kind(row, col) != Values.ABSENT) {
        int lo = table.lo(row, col);
        append(row, col, lo & 0x3FFFFFFF, table.hi(row, col), lo);
      }
    }
  }

  /** Looks up whether a stamp is newer than what a version vector holds for its client. */
  @FunctionalInterface
  public interface StampLookup {
    boolean isNewer(int clientId, long hi, int lo);
  }
}

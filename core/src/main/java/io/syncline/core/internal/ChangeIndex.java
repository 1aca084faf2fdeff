package io.syncline.core.internal;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The order in which a table's cells received their current stamps, so that
 * {@code deltaSince} can find the cells newer than a version vector without scanning the table.
 *
 * <p>Entries {@code (row, col)} are appended in application order into blocks that name at most
 * {@value #BLOCK} cells; each block keeps, per writer client id, the highest stamp appended to
 * it, and how many cells its entries name. Consecutive writes of adjacent columns of one row (a
 * row written in one go) share one entry, a run: see {@link #firstCol} and {@link #runLength}. A block whose maxima are all covered by the asking side's version vector is skipped whole.
 * Entries superseded by a later write of the same cell are garbage; {@link #compact} drops them
 * (keeping order) once they outnumber the live ones. The cost of a delta is therefore
 * proportional to the number of blocks plus the entries of the blocks that changed, not to the
 * size of the table.
 */
public final class ChangeIndex {
  static final int BLOCK = 4096;

  private long[][] blocks = new long[0][];
  private int[] sizes = new int[0]; // entries of each block but the last
  private int[] cells = new int[0]; // cells named by each block
  private StampMaxima[] summaries = new StampMaxima[0];
  private int blockCount;
  private int lastFill;
  private boolean lastSealed;
  private int lastLimit; // cells the last block may name
  private long entries; // cells named, counting each run's cells
  private int uncoveredFrom = -1; // first block with entries appended by appendUncovered, -1 if none

  /** The number of cells the entries name (a cell written twice counts twice). */
  public long entries() {
    return entries;
  }

  /** The number of cells block {@code b}'s entries name. */
  public int blockCells(int b) {
    return cells[b];
  }

  public int blockCount() {
    return blockCount;
  }

  public int blockSize(int b) {
    return b == blockCount - 1 ? lastFill : sizes[b];
  }

  /**
   * Makes the next block big enough for {@code cells} appends (a bulk load announces its size),
   * with room for {@code entries} entries (fewer than cells if rows come whole, as runs), so a
   * million-cell load allocates one array instead of hundreds of small ones for the garbage
   * collector to copy. The block's summary is as coarse as its contents are uniform.
   */
  public void reserve(int cells, int entries) {
    if (cells <= BLOCK) {
      return;
    }
    seal();
    int limit = Math.min(cells, 1 << 24);
    addBlock(limit, Math.max(256, Math.min(entries, limit)));
  }

  /**
   * Ends the current block: later appends start a new one. Called after a bulk load, so that
   * later writes do not widen the bulk block's summary (which would make every later delta scan
   * it).
   */
  public void seal() {
    if (blockCount > 0 && lastLimit > BLOCK && !lastSealed) {
      lastSealed = true; // only bulk blocks: sealing small ones would waste a block per delta
      long[] block = blocks[blockCount - 1];
      if (lastFill < block.length / 2) {
        blocks[blockCount - 1] = Arrays.copyOf(block, lastFill); // runs left most of it unused
      }
    }
  }

  /** Starts a block that may name {@code limit} cells, with room for {@code capacity} entries. */
  private void addBlock(int limit, int capacity) {
    if (blockCount == blocks.length) {
      int cap = Math.max(4, blockCount * 2);
      blocks = Arrays.copyOf(blocks, cap);
      summaries = Arrays.copyOf(summaries, cap);
      cells = Arrays.copyOf(cells, cap);
    }
    if (blockCount > 0) {
      if (sizes.length < blocks.length) {
        sizes = Arrays.copyOf(sizes, blocks.length);
      }
      sizes[blockCount - 1] = lastFill;
    }
    blocks[blockCount] = new long[capacity];
    summaries[blockCount] = new StampMaxima(1);
    cells[blockCount] = 0;
    blockCount++;
    lastFill = 0;
    lastSealed = false;
    lastLimit = limit;
  }

  /** Forgets every entry. */
  public void clear() {
    blocks = new long[0][];
    summaries = new StampMaxima[0];
    sizes = new int[0];
    cells = new int[0];
    blockCount = 0;
    lastFill = 0;
    lastSealed = false;
    lastLimit = 0;
    entries = 0;
    uncoveredFrom = -1;
  }

  public long entry(int b, int i) {
    return blocks[b][i];
  }

  public static int rowOf(long entry) {
    return (int) (entry >>> 32);
  }

  /** The first column an entry names. */
  public static int firstCol(long entry) {
    int low = (int) entry;
    return low >= 0 ? low : low & RUN_COL_MASK;
  }

  /** How many adjacent columns, from {@link #firstCol}, an entry names. */
  public static int runLength(long entry) {
    int low = (int) entry;
    return low >= 0 ? 1 : ((low >>> RUN_COL_BITS) & RUN_LENGTH_MASK) + 2;
  }

  // An entry is row << 32 | low. low >= 0: one cell, column low. low < 0 (bit 31 set): a run of
  // ((low >>> 20) & 0x7FF) + 2 cells from column low & 0xFFFFF (runs need columns below 2^20).
  private static final int RUN_COL_BITS = 20;
  private static final int RUN_COL_MASK = (1 << RUN_COL_BITS) - 1;
  private static final int RUN_LENGTH_MASK = 0x7FF;
  private static final int MAX_RUN = RUN_LENGTH_MASK + 2;

  public void append(int row, int col, int clientId, long hi, int lo) {
    int b = add(row, col); // before reading summaries: adding may grow the array
    summaries[b].add(clientId, hi, lo);
  }

  /**
   * Appends an entry for {@code (row, col)} without its stamp, leaving the summaries of the blocks
   * it went into to a later {@link #coverUncovered(int, long, int)}. For local writes: a writer's
   * stamps only grow, so one cover with the transaction's last stamp at commit replaces a summary
   * update per write. Until the cover a delta may miss the entry, whose write is not committed yet.
   */
  public void appendUncovered(int row, int col) {
    noteUncovered(add(row, col));
  }

  /**
   * Appends entries for columns {@code [col, col + length)} of {@code row} without their stamps,
   * as runs where they can be, for a later {@link #coverUncovered(StampMaxima)}. For a bulk load
   * that tracked its stamps as it wrote the cells.
   */
  public void appendUncovered(int row, int col, int length) {
    while (length > 0) {
      int b = blockWithCellRoom();
      int n = Math.min(length, Math.min(lastLimit - cells[b], MAX_RUN));
      if (n == 1 || col + n - 1 > RUN_COL_MASK) {
        add(row, col);
        n = 1;
      } else {
        blockWithRoom(b)[lastFill++] = (long) row << 32 | (0x80000000L | (long) (n - 2) << RUN_COL_BITS | col);
        cells[b] += n;
        entries += n;
      }
      noteUncovered(b);
      col += n;
      length -= n;
    }
  }

  private void noteUncovered(int block) {
    if (uncoveredFrom < 0) {
      uncoveredFrom = block;
    }
  }

  /**
   * Raises the summaries of the blocks that took uncovered entries since the last cover to
   * include {@code (hi, lo)} for {@code clientId}, which must be at least the newest of their stamps.
   */
  public void coverUncovered(int clientId, long hi, int lo) {
    if (uncoveredFrom >= 0) {
      raiseUncovered(clientId, hi, lo);
      uncoveredFrom = -1;
    }
  }

  /** {@link #coverUncovered(int, long, int)} with the newest stamp of each writer in {@code maxima}. */
  public void coverUncovered(StampMaxima maxima) {
    if (uncoveredFrom >= 0) {
      for (int i = 0; i < maxima.size(); i++) {
        raiseUncovered(maxima.client(i), maxima.hi(i), maxima.lo(i));
      }
      uncoveredFrom = -1;
    }
  }

  private void raiseUncovered(int clientId, long hi, int lo) {
    for (int b = uncoveredFrom; b < blockCount; b++) {
      summaries[b].add(clientId, hi, lo);
    }
  }

  /** Adds an entry for {@code (row, col)}, extending the last run if it can; returns its block. */
  private int add(int row, int col) {
    int b = blockWithCellRoom();
    long[] block = blocks[b];
    cells[b]++;
    entries++;
    if (lastFill > 0 && col > 0 && col <= RUN_COL_MASK) {
      long last = block[lastFill - 1];
      int first = firstCol(last);
      int length = runLength(last);
      if ((int) (last >>> 32) == row && first + length == col && length < MAX_RUN) {
        block[lastFill - 1] = (long) row << 32 | (0x80000000L | (long) (length - 1) << RUN_COL_BITS | first);
        return b;
      }
    }
    blockWithRoom(b)[lastFill++] = (long) row << 32 | (col & 0xFFFFFFFFL);
    return b;
  }

  /** The index of the block that takes the next cell: the last one, or a new one if it is sealed or full. */
  private int blockWithCellRoom() {
    if (blockCount == 0 || lastSealed || cells[blockCount - 1] >= lastLimit) {
      addBlock(BLOCK, 256);
    }
    return blockCount - 1;
  }

  /** The last block, grown if it is full (entries never outnumber cells, so it stays within the limit). */
  private long[] blockWithRoom(int b) {
    long[] block = blocks[b];
    if (lastFill == block.length) {
      block = Arrays.copyOf(block, Math.min(lastLimit, block.length * 2));
      blocks[b] = block;
    }
    return block;
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
        int row = rowOf(e);
        int first = firstCol(e);
        for (int col = first + runLength(e) - 1; col >= first; col--) { // newest first, runs too
          int bit = row * cols + col;
          if (!seen.get(bit)) {
            seen.set(bit);
            kept[n++] = (long) row << 32 | col;
          }
        }
      }
    }
    clear();
    for (int i = n - 1; i >= 0; i--) {
      int row = rowOf(kept[i]);
      int col = (int) kept[i];
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

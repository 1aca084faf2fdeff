package io.syncline.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The workload data generator of WORKLOADS.md §1-§3, a port of the peers' {@code lib/gen.mjs}
 * ({@code /work/shared/bench/WorkloadGen.java} is the reference Java version). Same seeds, same values,
 * same op-stream digests.
 */
public final class WorkloadData {
  public static final String TABLE = "t";
  public static final int CELLS = 10;
  public static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  public static final int SEED_W1 = 1;
  public static final int SEED_W3 = 3;
  public static final int SEED_W4 = 4;
  public static final int SEED_W5_BASE = 5;
  public static final int SEED_W5_REPLICA = 500;

  /** Cell ids c0..c9. */
  public static final String[] CELL_IDS = new String[CELLS];

  static {
    for (int c = 0; c < CELLS; c++) CELL_IDS[c] = "c" + c;
  }

  private WorkloadData() {}

  public static String rowId(int r) {
    return "r" + r;
  }

  /** Current value of (row, cell) as the writer sees it; only used for boolean cells. */
  @FunctionalInterface
  public interface Lookup {
    Object get(int row, int cell);
  }

  /** Draws a value of cell c's type (c % 4: string(16), int, double, boolean); booleans by PRNG. */
  public static Object draw(Mulberry32 rng, int c) {
    switch (c % 4) {
      case 0: {
        char[] s = new char[16];
        for (int k = 0; k < 16; k++) s[k] = ALPHABET.charAt(rng.nextInt(36));
        return new String(s);
      }
      case 1:
        return rng.nextInt(1_000_000_000);
      case 2:
        return rng.next() * 1000;
      default:
        return rng.next() < 0.5;
    }
  }

  /** fill(seed, rows): row-major, every 10 consecutive ops complete one row. */
  public static Ops fill(int seed, int rows) {
    Mulberry32 rng = new Mulberry32(seed);
    Ops ops = new Ops(Math.multiplyExact(rows, CELLS));
    int i = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < CELLS; c++) {
        ops.row[i] = r;
        ops.cell[i] = (byte) c;
        ops.value[i] = draw(rng, c);
        i++;
      }
    }
    return ops;
  }

  /**
   * randomUpdates(seed, n, rows, current): row = int(rows), cell = int(10), then the value; a boolean cell
   * gets the negation of the writer's current value, including earlier ops of this stream.
   */
  public static Ops randomUpdates(int seed, int n, int rows, Lookup current) {
    Mulberry32 rng = new Mulberry32(seed);
    Ops ops = new Ops(n);
    Map<Long, Boolean> overlay = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int r = rng.nextInt(rows);
      int c = rng.nextInt(CELLS);
      Object v;
      if (c % 4 == 3) {
        long key = (long) r * CELLS + c;
        Boolean cur = overlay.get(key);
        if (cur == null) cur = toBoolean(current.get(r, c));
        v = !cur;
        overlay.put(key, !cur);
      } else {
        v = draw(rng, c);
      }
      ops.row[i] = r;
      ops.cell[i] = (byte) c;
      ops.value[i] = v;
    }
    return ops;
  }

  /** A lookup over the values of a fill (index row * 10 + cell). */
  public static Lookup lookupOf(Ops fill) {
    return (r, c) -> fill.value[r * CELLS + c];
  }

  private static boolean toBoolean(Object v) {
    if (v instanceof Boolean) return (Boolean) v;
    throw new IllegalStateException("expected a boolean current value, got " + v);
  }

  /** Feeds one cell: u32le(row) u8(cell) u8(cell % 4) value-bytes. Integers may come back as Long. */
  public static void hashCell(Fnv32 h, int r, int c, Object v) {
    h.u32le(r);
    h.b(c);
    h.b(c % 4);
    switch (c % 4) {
      case 0:
        h.ascii((String) v);
        break;
      case 1:
        h.u32le(((Number) v).intValue());
        break;
      case 2:
        h.f64le(((Number) v).doubleValue());
        break;
      default:
        h.b(((Boolean) v) ? 1 : 0);
    }
  }
}

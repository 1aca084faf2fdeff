package io.syncline.bench;

/**
 * An op stream: op i sets cell {@code "c" + cell[i]} of row {@code "r" + row[i]} in table {@code "t"} to
 * {@code value[i]} (String, Integer, Double or Boolean by cell type {@code cell % 4}).
 */
public final class Ops {
  public final int n;
  public final int[] row;
  public final byte[] cell;
  public final Object[] value;

  public Ops(int n) {
    this.n = n;
    this.row = new int[n];
    this.cell = new byte[n];
    this.value = new Object[n];
  }

  /** FNV-1a digest of ops [from, to), WORKLOADS.md §3. */
  public String digest(int from, int to) {
    Fnv32 h = new Fnv32();
    for (int i = from; i < to; i++) WorkloadData.hashCell(h, row[i], cell[i], value[i]);
    return h.hex();
  }

  public String digest() {
    return digest(0, n);
  }
}

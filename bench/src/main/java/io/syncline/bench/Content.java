package io.syncline.bench;

import java.util.Arrays;
import java.util.Map;

/** Content digest of a replica's table "t" (WORKLOADS.md §3): rows by numeric index, cells c0..c9. */
public final class Content {
  public final String digest;
  public final int rows;
  public final long cells;

  public Content(String digest, int rows, long cells) {
    this.digest = digest;
    this.rows = rows;
    this.cells = cells;
  }

  /** Digest of {rowId: {cellId: value}}; row ids must be "r" + index. */
  public static Content of(Map<String, ? extends Map<String, ?>> table) {
    int[] idx = new int[table.size()];
    int k = 0;
    for (String rowId : table.keySet()) idx[k++] = Integer.parseInt(rowId.substring(1));
    Arrays.sort(idx);
    Fnv32 h = new Fnv32();
    long cells = 0;
    for (int r : idx) {
      Map<String, ?> row = table.get(WorkloadData.rowId(r));
      for (int c = 0; c < WorkloadData.CELLS; c++) {
        Object v = row.get(WorkloadData.CELL_IDS[c]);
        if (v == null) continue;
        WorkloadData.hashCell(h, r, c, v);
        cells++;
      }
    }
    return new Content(h.hex(), idx.length, cells);
  }

  public boolean sameAs(Content o) {
    return digest.equals(o.digest) && rows == o.rows && cells == o.cells;
  }

  /** Writes the fields digest, rows, cells into the currently open JSON object. */
  void toJsonFields(Json j) {
    j.str("digest", digest).num("rows", rows).num("cells", cells);
  }
}

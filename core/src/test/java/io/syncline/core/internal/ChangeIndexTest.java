package io.syncline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangeIndexTest {
  /** Every (row, col) the index names, in order, runs expanded. */
  private static List<Long> cells(ChangeIndex index) {
    List<Long> out = new ArrayList<>();
    for (int b = 0; b < index.blockCount(); b++) {
      int named = 0;
      for (int i = 0; i < index.blockSize(b); i++) {
        long e = index.entry(b, i);
        for (int c = ChangeIndex.firstCol(e), end = c + ChangeIndex.runLength(e); c < end; c++) {
          out.add((long) ChangeIndex.rowOf(e) << 32 | c);
          named++;
        }
      }
      assertThat(index.blockCells(b)).isEqualTo(named).isLessThanOrEqualTo(ChangeIndex.BLOCK);
    }
    return out;
  }

  @Test
  void adjacentColumnsOfARowShareAnEntryAndEverythingElseStaysExact() {
    ChangeIndex index = new ChangeIndex();
    List<Long> appended = new ArrayList<>();
    Random random = new Random(11);
    for (int i = 0; i < 30_000; i++) {
      int row;
      int col;
      switch (random.nextInt(4)) {
        case 0 -> { // continue a row: the common case of a row written in one go
          long last = appended.isEmpty() ? 0 : appended.get(appended.size() - 1);
          row = (int) (last >>> 32);
          col = (int) last + 1;
        }
        case 1 -> {
          row = random.nextInt(100);
          col = (1 << 20) - 2 + random.nextInt(4); // around the largest column a run can hold
        }
        default -> {
          row = random.nextInt(100);
          col = random.nextInt(12);
        }
      }
      index.append(row, col, 7, i, 0);
      appended.add((long) row << 32 | col);
    }
    for (int i = 0; i < 5000; i++) { // one very long row: runs stop at their maximum length
      index.append(500, i, 7, 40_000 + i, 0);
      appended.add(500L << 32 | i);
    }
    assertThat(cells(index)).isEqualTo(appended);
    assertThat(index.entries()).isEqualTo(appended.size());
    int entries = 0;
    for (int b = 0; b < index.blockCount(); b++) {
      entries += index.blockSize(b);
    }
    // the 5,000-column row alone takes three entries (runs of at most 2,049)
    assertThat(entries).as("runs take fewer entries than cells").isLessThan(appended.size() - 4990);
  }

  @Test
  void compactionKeepsTheNewestEntryOfEachLiveCellInOrder() {
    TableData table = new TableData("t");
    List<int[]> writes = new ArrayList<>();
    Random random = new Random(5);
    long stamp = 1;
    for (int i = 0; i < 20_000; i++) {
      int row = table.row("r" + random.nextInt(300));
      int first = random.nextInt(6);
      int n = 1 + random.nextInt(4);
      for (int c = first; c < first + n; c++) {
        int col = table.column("c" + c);
        table.write(row, col, Values.INTEGER, i, null, stamp++, 3);
        table.index.append(row, col, 3, stamp - 1, 3);
        writes.add(new int[] {row, col});
      }
    }
    List<Long> expected = new ArrayList<>(); // the last write of every cell, in write order
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = writes.size() - 1; i >= 0; i--) {
      long cell = (long) writes.get(i)[0] << 32 | writes.get(i)[1];
      if (seen.add(cell)) {
        expected.add(0, cell);
      }
    }
    table.index.compact(table);
    assertThat(cells(table.index)).isEqualTo(expected);
    assertThat(table.index.entries()).isEqualTo(table.presentCells());
  }

  @Test
  void coveredRunsNameExactlyTheirCellsAndTheCoverReachesEveryBlockTheyFill() {
    ChangeIndex index = new ChangeIndex();
    index.append(0, 0, 9, 5, 0); // an earlier block with another writer
    List<Long> appended = new ArrayList<>(List.of(0L));
    Random random = new Random(3);
    for (int row = 1; row < 400; row++) {
      int col = random.nextInt(3) == 0 ? (1 << 20) - 3 : random.nextInt(50);
      int length = row == 7 ? 5000 : 1 + random.nextInt(40); // row 7: longer than a run can be
      index.appendUncovered(row, col, length);
      for (int c = col; c < col + length; c++) {
        appended.add((long) row << 32 | c);
      }
    }
    StampMaxima maxima = new StampMaxima(1);
    maxima.add(4, 1_000, 4);
    index.coverUncovered(maxima);
    assertThat(cells(index)).isEqualTo(appended); // also checks every block's cell count and limit
    assertThat(index.entries()).isEqualTo(appended.size());
    assertThat(index.blockCount()).isGreaterThan(2);
    for (int b = 0; b < index.blockCount(); b++) {
      int block = b;
      assertThat(index.mayHaveNewer(b, (client, hi, lo) -> client == 4 && hi > 999)).as("block %d", block).isTrue();
      assertThat(index.mayHaveNewer(b, (client, hi, lo) -> client == 4 && hi > 1_000)).isFalse();
    }
  }
}

package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.internal.ByteReader;
import io.syncline.core.internal.ByteWriter;
import io.syncline.core.internal.CellBatch;
import io.syncline.core.internal.ChangeDecoder;
import io.syncline.core.internal.ChangeIndex;
import io.syncline.core.internal.Envelope;
import io.syncline.core.internal.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The column layout of a delta's table sections (a table most of whose cells are sent): what it
 * carries, how it is indexed when applied, and how malformed sections are refused.
 */
class ColumnLayoutTest {
  /** 300 rows of sparse, mixed columns written by two replicas, with deletions. */
  private static Store mixed() {
    Store a = Store.builder().replicaId("a").build();
    Store w = Store.builder().replicaId("w2").build();
    for (int i = 0; i < 300; i++) {
      int r = i;
      String row = "row" + r;
      Store by = r % 7 == 0 ? w : a; // the writer changes inside every column
      by.transaction(tx -> {
        tx.setCell("t", row, "s", r % 5 == 0 ? "ünï " + r : "s" + r);
        if (r % 2 == 0) {
          tx.setCell("t", row, "n", (long) r * 1_000_003);
        }
        if (r % 3 == 0) {
          tx.setCell("t", row, "d", r / 7.0);
        }
        if (r % 50 == 0) {
          tx.setCell("t", row, "j", Map.of("k", List.of(r, "x")));
        }
        tx.setCell("t", row, "b", r % 4 == 0);
      });
    }
    a.applyDelta(w.fullState());
    for (int r = 0; r < 300; r += 11) {
      a.delCell("t", "row" + r, "s");
    }
    a.delRow("t", "row13");
    a.setValue("v", "value");
    return a;
  }

  /** The layout of each table section of {@code delta}, in order. */
  private static List<Boolean> layouts(Delta delta) {
    List<Boolean> byColumn = new ArrayList<>();
    byte[] bytes = delta.encode();
    ByteReader r = new ByteReader(bytes, 2, bytes.length - 4, "delta");
    r.readString();
    VersionVector.readFrom(r);
    new ChangeDecoder(r, Envelope.version(bytes)).read(new ChangeDecoder.Visitor() {
      @Override
      public void table(String tableId, String[] cellIds, int rowCount, boolean columns) {
        byColumn.add(columns);
      }
    });
    return byColumn;
  }

  @Test
  void aFullStateTravelsInColumnsAndLoadsExactly() {
    Store a = mixed();
    Delta full = Delta.decode(a.fullState().encode());
    assertThat(layouts(full)).containsExactly(true);

    Store b = Store.builder().replicaId("b").build();
    b.applyDelta(full);
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.getValues()).isEqualTo(a.getValues());
    assertThat(b.fullState().changes()).isEqualTo(a.fullState().changes()); // same stamps, tombstones too
    assertThat(b.deltaSince(a.versionVector()).isEmpty()).isTrue();
  }

  @Test
  void aColumnMixingStringsNumbersAndTombstonesLoadsEveryValue() {
    Store a = Store.builder().replicaId("a").build();
    for (int r = 0; r < 1_500; r++) { // several batches of consecutive rows
      Object v = r % 3 == 0 ? "text " + r : r % 3 == 1 ? (Object) (long) r : (Object) (r / 4.0);
      a.setCell("t", "row" + r, "m", v);
      if (r % 10 == 0) {
        a.delCell("t", "row" + r, "m");
        a.setCell("t", "row" + r, "other", true); // keeps the row
      }
    }
    Delta full = Delta.decode(a.fullState().encode());
    assertThat(layouts(full)).containsExactly(true);
    Store b = Store.builder().replicaId("b").build();
    b.applyDelta(full);
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.getCell("t", "row1", "m")).isEqualTo(1L);
    assertThat(b.getCell("t", "row2", "m")).isEqualTo(0.5);
    assertThat(b.getCell("t", "row3", "m")).isEqualTo("text 3");
    assertThat(b.fullState().changes()).isEqualTo(a.fullState().changes());
  }

  @Test
  void intoAStoreWithDataAColumnSectionMergesCellByCellLikeRows() {
    Store a = mixed();
    Consumer<Store> ownData = s -> {
      s.setRow("t", "row1", Map.of("s", "mine", "extra", 1));
      s.setCell("t", "row2", "n", "newer than a's");
      s.setRow("t", "mine", Map.of("s", "only here"));
    };
    long now = System.currentTimeMillis(); // one clock for both, so that their own stamps are equal
    Store viaColumns = Store.builder().replicaId("c").clock(new FakeClock(now)).build();
    Store viaRows = Store.builder().replicaId("c").clock(new FakeClock(now)).build();
    ownData.accept(viaColumns);
    ownData.accept(viaRows);

    Delta full = a.fullState();
    assertThat(layouts(full)).containsExactly(true);
    viaColumns.applyDelta(full);
    Delta rows = Delta.of(a.replicaId(), a.versionVector(), full.changes());
    assertThat(layouts(rows)).containsExactly(false);
    viaRows.applyDelta(rows);

    assertThat(viaColumns.getTables()).isEqualTo(viaRows.getTables());
    assertThat(viaColumns.getRow("t", "row2")).containsEntry("n", "newer than a's");
    assertThat(viaColumns.getRow("t", "mine")).containsEntry("s", "only here");
    assertThat(viaColumns.fullState().changes()).containsExactlyInAnyOrderElementsOf(viaRows.fullState().changes());
  }

  @Test
  void aMostlyNewerDeltaSendsOnlyTheNewerCellsOfEachColumn() {
    Store a = mixed();
    Store b = Store.builder().replicaId("b").build();
    b.applyDelta(a.fullState());
    int changed = 0;
    for (int r = 0; r < 300; r++) {
      if (r % 4 != 0) {
        a.setCell("t", "row" + r, "b", "now a string " + r);
        changed++;
      }
      if (r % 3 == 1) {
        a.setCell("t", "row" + r, "n", -r);
        changed++;
      }
    }
    Delta delta = a.deltaSince(b.versionVector());
    assertThat(layouts(delta)).containsExactly(true);
    assertThat(delta.size()).isEqualTo(changed);
    b.applyDelta(Delta.decode(delta.encode()));
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.deltaSince(a.versionVector()).isEmpty()).isTrue();
  }

  /** The number of entries of a table's change index (a run of a row's columns is one entry). */
  private static int indexEntries(Store s, String table) {
    ChangeIndex index = s.tables.get(table).index;
    int n = 0;
    for (int block = 0; block < index.blockCount(); block++) {
      n += index.blockSize(block);
    }
    return n;
  }

  @Test
  void aLoadedColumnSectionIsIndexedRowByRowAndLaterDeltasStayExact() {
    for (int width : new int[] {10, 70}) { // above 64 columns cells are indexed one by one
      int columns = width;
      Store a = Store.builder().replicaId("a").build();
      for (int i = 0; i < 500; i++) {
        int r = i;
        String row = "r" + r;
        a.transaction(tx -> {
          for (int c = 0; c < columns; c++) {
            tx.setCell("t", row, "c" + c, r * 100 + c);
          }
        });
      }
      Store b = Store.builder().replicaId("b").build();
      b.applyDelta(a.fullState());
      assertThat(indexEntries(b, "t")).isEqualTo(columns <= 64 ? 500 : 500 * columns);

      VersionVector before = b.versionVector();
      a.setCell("t", "r7", "c" + (columns - 1), "late");
      b.applyDelta(a.deltaSince(b.versionVector()));
      Delta later = b.deltaSince(before);
      assertThat(later.changes()).singleElement().satisfies(change -> {
        CellChange cell = (CellChange) change;
        assertThat(List.of(cell.table(), cell.row(), cell.cell(), cell.value()))
            .containsExactly("t", "r7", "c" + (columns - 1), "late");
      });
      assertThat(b.deltaSince(a.versionVector()).isEmpty()).isTrue();
      assertThat(b.getTables()).isEqualTo(a.getTables());
    }
  }

  /** A delta from "x" whose one table "t" has rows "a" and "b" and one column "c", then {@code section}. */
  private static Delta craft(int layout, Consumer<ByteWriter> section) {
    return craft(layout, new String[] {"a", "b"}, new String[] {"c"}, section);
  }

  /** A delta from "x" whose one table "t" has the given rows and columns, then {@code section}. */
  private static Delta craft(int layout, String[] rows, String[] columns, Consumer<ByteWriter> section) {
    ByteWriter w = Envelope.begin('D', 64);
    w.writeString("x");
    w.writeVarint(0); // empty version vector
    w.writeVarint(1);
    w.writeIntLE(5); // one client, id 5
    w.writeVarint(1);
    w.writeString("t");
    w.writeByte(layout);
    w.writeVarint(columns.length);
    for (String c : columns) {
      w.writeString(c);
    }
    w.writeVarint(rows.length);
    for (String r : rows) {
      w.writeVarint(0); // no prefix shared with the previous row id
      w.writeString(r);
    }
    section.accept(w);
    w.writeVarint(0); // no values
    return Delta.decode(Envelope.finish(w));
  }

  /** An integer cell {@code value} 1000 ms after the previous cell's (counter 0, client index 0). */
  private static void intCell(ByteWriter w, long value) {
    w.writeByte(Values.INTEGER | 0x08 | 0x10); // kind, a client index follows, a new millisecond follows
    w.writeVarint(0);
    w.writeZigzag(1000);
    w.writeVarint(0);
    w.writeZigzag(value);
  }

  @Test
  void aColumnSectionNamingARowTwiceMergesItsCellsInAFreshStore() {
    Delta d = craft(1, new String[] {"a", "a", "b"}, new String[] {"c"}, w -> {
      w.writeVarint(3); // dense
      intCell(w, 1);
      intCell(w, 2); // the same cell, 1000 ms later: it wins
      intCell(w, 3);
    });
    Store s = Store.create();
    s.applyDelta(d);
    assertThat(s.getTables()).isEqualTo(Map.of("t", Map.of("a", Map.of("c", 2L), "b", Map.of("c", 3L))));
    assertThat(s.fullState().size()).isEqualTo(2);
  }

  @Test
  void aColumnSectionNamingACellTwiceMergesItsCellsInAFreshStore() {
    Delta d = craft(1, new String[] {"a", "b"}, new String[] {"c", "c"}, w -> {
      w.writeVarint(2);
      intCell(w, 1);
      intCell(w, 2);
      w.writeVarint(1);
      w.writeVarint(1); // only row "b"
      intCell(w, 4); // later than both: wins in row "b"
    });
    Store s = Store.create();
    s.applyDelta(d);
    assertThat(s.getTables()).isEqualTo(Map.of("t", Map.of("a", Map.of("c", 1L), "b", Map.of("c", 4L))));
  }

  @Test
  void aBulkLoadSizesAStringColumnFromItsFirstBatchButNeverBeyondItsInput() {
    Store a = Store.builder().replicaId("a").build();
    int rows = 20_000;
    for (int from = 0; from < rows; from += 100) {
      int first = from;
      a.transaction(tx -> {
        for (int r = first; r < first + 100; r++) {
          tx.setCell("t", "r" + r, "s", r < CellBatch.CAPACITY ? "x".repeat(2000) : "y"); // a misleading first batch
        }
      });
    }
    byte[] bytes = a.fullState().encode();
    Store b = Store.create();
    b.applyDelta(Delta.decode(bytes));
    assertThat(b.getTables()).isEqualTo(a.getTables());
    io.syncline.core.internal.TableData t = b.tables.get("t");
    assertThat(t.textOf(t.findColumn("s")).length).isLessThanOrEqualTo(bytes.length);
  }

  @Test
  void aBulkLoadLongerThanOneBatchTellsListenersOfEveryCell() {
    Store a = Store.builder().replicaId("a").build();
    int rows = 3 * CellBatch.CAPACITY + 7;
    for (int r = 0; r < rows; r++) {
      int i = r;
      a.transaction(tx -> {
        tx.setCell("t", "r" + i, "s", "text " + i);
        tx.setCell("t", "r" + i, "n", i);
        if (i % 3 == 0) {
          tx.setCell("t", "r" + i, "sparse", i % 2 == 0);
        }
      });
    }
    a.delCell("t", "r5", "n");
    Delta full = a.fullState();
    assertThat(layouts(full)).containsExactly(true);

    Store b = Store.builder().replicaId("b").build();
    List<CellEvent> events = new ArrayList<>();
    b.addCellListener(null, null, null, events::add);
    b.applyDelta(full);
    assertThat(b.getTables()).isEqualTo(a.getTables());
    assertThat(b.fullState().changes()).isEqualTo(full.changes());
    assertThat(events).hasSize(b.getTables().get("t").values().stream().mapToInt(Map::size).sum());
    assertThat(events).allSatisfy(e -> assertThat(e.origin()).isEqualTo(Origin.REMOTE));
    assertThat(b.deltaSince(a.versionVector()).isEmpty()).isTrue();
  }

  @Test
  void aHandWrittenSparseColumnIsRead() {
    Delta d = craft(1, w -> {
      w.writeVarint(1); // one cell of two rows: gaps follow
      w.writeVarint(1); // skip row "a"
      intCell(w, 42);
    });
    Store s = Store.create();
    s.applyDelta(d);
    assertThat(s.getTables()).isEqualTo(Map.of("t", Map.of("b", Map.of("c", 42L))));
  }

  @Test
  void malformedColumnSectionsAreRefusedAndAFreshStoreKeepsNothing() {
    Map<String, Delta> broken = Map.of(
        "unknown layout 2", craft(2, w -> {}),
        "column 0 has 3 cells for 2 rows", craft(1, w -> {
          w.writeVarint(3);
          intCell(w, 1);
        }),
        "column 0 skips 2 rows past row -1 of 2", craft(1, w -> {
          w.writeVarint(1);
          w.writeVarint(2);
          intCell(w, 1);
        }),
        "column 0 skips 18446744073709551615 rows past row -1 of 2", craft(1, w -> {
          w.writeVarint(1);
          w.writeVarint(-1L); // the largest gap: must not wrap around to a valid row
          intCell(w, 1);
        }));
    broken.forEach((problem, delta) -> {
      Store fresh = Store.create();
      assertThatThrownBy(() -> fresh.applyDelta(delta)).isInstanceOf(CorruptDataException.class)
          .hasMessageContaining(problem);
      assertThat(fresh.getTables()).isEmpty();
      assertThat(fresh.fullState().isEmpty()).isTrue();
      assertThatThrownBy(delta::size).isInstanceOf(CorruptDataException.class).hasMessageContaining(problem);
    });
  }

  /** {@code bytes} with byte {@code at} replaced and the checksum made valid again. */
  static byte[] mutated(byte[] bytes, int at, byte value) {
    byte[] out = bytes.clone();
    out[at] = value;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(out, 0, out.length - 4);
    int c = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      out[out.length - 4 + i] = (byte) (c >>> (8 * i));
    }
    return out;
  }

  @Test
  void everyMutatedByteBehindAValidChecksumIsRefusedOrLoadsConsistently() {
    Store a = Store.builder().replicaId("a").build();
    for (int r = 0; r < 40; r++) {
      String row = "r" + r;
      int i = r;
      a.transaction(tx -> {
        tx.setCell("t", row, "s", "v" + i);
        if (i % 3 != 0) {
          tx.setCell("t", row, "n", i);
        }
        if (i % 5 == 0) {
          tx.setCell("t", row, "j", List.of(i));
        }
      });
    }
    byte[] good = a.fullState().encode();
    assertThat(layouts(Delta.decode(good))).containsExactly(true);
    java.util.Random random = new java.util.Random(17);
    int refused = 0;
    for (int at = 2; at < good.length - 4; at++) {
      for (int k = 0; k < 3; k++) {
        byte[] bad = mutated(good, at, (byte) random.nextInt(256));
        Store fresh = Store.create();
        try {
          Delta d = Delta.decode(bad);
          int size = d.size();
          fresh.applyDelta(d);
          // it decoded (a mutated id may name one cell twice: the two merge) and says it again
          assertThat(fresh.fullState().size()).isBetween(1, size);
          Store again = Store.create();
          again.applyDelta(fresh.fullState());
          assertThat(again.getTables()).isEqualTo(fresh.getTables());
        } catch (CorruptDataException | ClockSkewException expected) {
          refused++;
          assertThat(fresh.fullState().isEmpty()).isTrue();
        }
      }
    }
    assertThat(refused).isGreaterThan(good.length); // most mutations break the structure
  }
}

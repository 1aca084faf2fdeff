package io.syncline.persist.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.Stamp;
import io.syncline.core.Store;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SqliteCellStoreTest {
  @TempDir
  Path dir;

  private static Stamp stamp(long millis, int client) {
    return new Stamp(millis, 0, client);
  }

  @Test
  void olderStampNeverReplacesANewerOne() {
    try (SqliteCellStore db = SqliteCellStore.open(dir.resolve("s.db"))) {
      db.write(List.of(new CellChange("t", "r", "c", "new", stamp(2000, 1))), VersionVector.EMPTY);
      SqliteCellStore.WriteResult r = db.write(List.of(new CellChange("t", "r", "c", "old", stamp(1000, 1)),
          new ValueChange("v", 1L, stamp(1000, 1))), VersionVector.EMPTY);
      assertThat(r.rowsChanged()).isEqualTo(1); // only the value
      assertThat(db.readTable("t")).extracting(CellChange::value).containsExactly("new");
      r = db.write(List.of(new CellChange("t", "r", "c", null, stamp(3000, 1))), VersionVector.EMPTY);
      assertThat(db.readTable("t")).extracting(CellChange::value).containsOnlyNulls();
    }
  }

  @Test
  void aWriteThatChangesNothingCommitsNothing() {
    try (SqliteCellStore db = SqliteCellStore.open(dir.resolve("s.db"))) {
      List<Change> changes = List.of(new CellChange("t", "r", "c", "x", stamp(2000, 1)));
      SqliteCellStore.WriteResult first = db.write(changes, VersionVector.EMPTY);
      SqliteCellStore.WriteResult again = db.write(changes, VersionVector.EMPTY);
      assertThat(first.changeCounter()).isEqualTo(first.previousCounter() + 1);
      assertThat(again.changeCounter()).isEqualTo(again.previousCounter()).isEqualTo(first.changeCounter());
      assertThat(again.rowsChanged()).isZero();
    }
  }

  @Test
  void versionVectorIsMergedAndSequenceOnlyGrows() {
    try (SqliteCellStore db = SqliteCellStore.open(dir.resolve("s.db"))) {
      VersionVector a = VersionVector.of(Map.of(1, stamp(100, 1), 2, stamp(500, 2)));
      VersionVector b = VersionVector.of(Map.of(1, stamp(300, 1), 3, stamp(50, 3)));
      db.write(List.of(), a, "alice", 7);
      db.write(List.of(), b, "alice", 5);
      assertThat(db.version()).isEqualTo(a.merge(b));
      assertThat(db.lastSequence("alice")).isEqualTo(7);
      assertThat(db.lastSequence("bob")).isZero();
    }
    assertThat(SqlitePersister.lastSequence(dir.resolve("s.db"), "alice")).isEqualTo(7);
    assertThat(SqlitePersister.lastSequence(dir.resolve("missing.db"), "alice")).isZero();
  }

  @Test
  void readsATableOrARowRange() {
    try (SqliteCellStore db = SqliteCellStore.open(dir.resolve("s.db"))) {
      List<Change> changes = new ArrayList<>();
      for (String table : List.of("a", "b", "c")) {
        for (int row = 0; row < 10; row++) {
          changes.add(new CellChange(table, "r" + row, "x", (long) row, stamp(1000, 1)));
          changes.add(new CellChange(table, "r" + row, "y", "s", stamp(1000, 1)));
        }
      }
      db.write(changes, VersionVector.EMPTY);
      assertThat(db.readTable("b")).hasSize(20).allMatch(c -> c.table().equals("b"));
      assertThat(db.readRows("b", "r3", "r6")).extracting(CellChange::row)
          .containsExactly("r3", "r3", "r4", "r4", "r5", "r5");
      assertThat(db.readRows("c", "r8", null)).extracting(CellChange::row).containsExactly("r8", "r8", "r9", "r9");
      assertThat(db.readTable("missing")).isEmpty();
    }
  }

  @Test
  void tableAndRowRangeReadsAndIncrementalReadsUseIndexes() throws Exception {
    Path file = dir.resolve("s.db");
    SqliteCellStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(plan(s, "SELECT * FROM cells WHERE table_id = 't' AND row_id >= 'a' AND row_id < 'b'"))
          .contains("SEARCH").doesNotContain("SCAN");
      assertThat(plan(s, "SELECT * FROM cells WHERE seq > 5")).contains("cells_by_seq");
      assertThat(plan(s, "SELECT * FROM store_values WHERE seq > 5")).contains("store_values_by_seq");
    }
  }

  private static String plan(Statement s, String sql) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
      while (rs.next()) {
        sb.append(rs.getString("detail")).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void databaseIsInWalModeWithTheMagicAndVersion() throws Exception {
    Path file = dir.resolve("s.db");
    SqliteCellStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
      assertThat(scalar(s, "PRAGMA application_id")).isEqualTo(String.valueOf(0x53594E43));
      assertThat(scalar(s, "PRAGMA user_version")).isEqualTo("1");
    }
    assertThat(dir.toFile().list()).allMatch(name -> !name.contains(".init-"));
  }

  private static String scalar(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void autoSaveWritesOnlyTheCellsChangedInTheWindow() {
    Path file = dir.resolve("s.db");
    Store store = Store.builder().replicaId("w").build();
    store.transaction(tx -> {
      for (int i = 0; i < 1000; i++) {
        tx.setCell("t", "r" + i, "c", (long) i);
      }
    });
    try (SqlitePersister p = SqlitePersister.builder(store, file).throttle(Duration.ofSeconds(30)).build()) {
      p.startAutoSave(); // the window never closes by itself here: flush() writes it
      long before;
      try (SqliteCellStore db = SqliteCellStore.open(file)) {
        before = db.changeCounter();
        assertThat(db.readAll().changes()).hasSize(1000);
      }
      for (int i = 0; i < 50; i++) {
        store.setCell("t", "r7", "c", (long) -i); // one cell, fifty times
      }
      store.setValue("v", "x");
      p.flush();
      try (SqliteCellStore db = SqliteCellStore.open(file)) {
        SqliteCellStore.Snapshot since = db.readSince(before);
        assertThat(since.changes()).containsExactlyInAnyOrder(
            new CellChange("t", "r7", "c", -49L, since.changes().stream().filter(c -> c instanceof CellChange)
                .findFirst().orElseThrow().stamp()),
            new ValueChange("v", "x", since.changes().stream().filter(c -> c instanceof ValueChange)
                .findFirst().orElseThrow().stamp()));
        assertThat(since.changeCounter()).isEqualTo(before + 1);
        assertThat(since.version()).isEqualTo(store.versionVector());
      }
    }
  }

  @Test
  void reopenedStoreContinuesItsSequence() {
    Path file = dir.resolve("s.db");
    Store store = Store.builder().replicaId("w").build();
    try (SqlitePersister p = SqlitePersister.builder(store, file).build()) {
      p.startAutoSave();
      store.setCell("t", "r", "c", 1L);
      store.setCell("t", "r", "c", 2L);
    }
    assertThat(store.sequence()).isEqualTo(2);
    Store reopened = Store.builder().replicaId("w").lastSequence(SqlitePersister.lastSequence(file, "w")).build();
    assertThat(reopened.sequence()).isEqualTo(2);
  }

  @Test
  void statusListenerSeesLoadingAndSavingOnTheWorker() {
    Store store = Store.builder().replicaId("w").build();
    store.setCell("t", "r", "c", 1L);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SqlitePersister p = SqlitePersister.builder(store, dir.resolve("s.db")).build()) {
      p.addStatusListener(s -> seen.add(s + " on " + Thread.currentThread().getName().startsWith("syncline-sqlite")));
      p.save();
      p.load();
    }
    assertThat(seen).containsSubsequence("SAVING on true", "IDLE on true", "LOADING on true", "IDLE on true");
    assertThat(seen).last().isEqualTo("CLOSED on false");
  }
}

package io.syncline.persist.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Store;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and foreign database files give a clear exception naming the file, never a hang or data. */
@Timeout(20)
class CorruptDatabaseTest {
  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("store.db");
  }

  /** A saved database of 5,000 cells, closed cleanly (checkpointed: no WAL left). */
  private Path savedDatabase() {
    Store store = Store.builder().replicaId("w").build();
    store.transaction(tx -> {
      for (int i = 0; i < 5000; i++) {
        tx.setCell("t", "row" + i, "c", "value number " + i);
      }
    });
    try (SqlitePersister p = SqlitePersister.builder(store, file()).build()) {
      p.save();
    }
    assertThat(dir.resolve("store.db-wal")).doesNotExist();
    return file();
  }

  /** Loading fails naming the file, and (for a file that does not open) so does every other use. */
  private void assertLoadFails(String messagePart, boolean fileLevel) {
    Store store = Store.builder().replicaId("r").build();
    try (SqlitePersister p = SqlitePersister.builder(store, file()).build()) {
      assertThatThrownBy(p::load)
          .isInstanceOf(CorruptDatabaseException.class)
          .hasMessageContaining(file().toString())
          .hasMessageContaining(messagePart)
          .satisfies(e -> assertThat(((SqliteStoreException) e).file()).isEqualTo(file()));
      if (fileLevel) {
        assertThatThrownBy(p::startAutoSave).isInstanceOf(CorruptDatabaseException.class);
        assertThatThrownBy(p::save).isInstanceOf(CorruptDatabaseException.class);
      }
    }
    assertThat(store.getTables()).isEmpty();
  }

  private void assertLoadFails(String messagePart) {
    assertLoadFails(messagePart, true);
  }

  @Test
  void zeroLengthFileIsRefused() throws Exception {
    Files.createFile(file());
    assertLoadFails("is empty (0 bytes)");
    assertThat(file()).isEmptyFile(); // not silently turned into a new database
  }

  @Test
  void garbageFileIsRefused() throws Exception {
    byte[] garbage = new byte[8192];
    new Random(42).nextBytes(garbage);
    Files.write(file(), garbage);
    assertLoadFails("not an SQLite database");
  }

  @Test
  void textFileIsRefused() throws Exception {
    Files.writeString(file(), "this is not a database\n".repeat(100));
    assertLoadFails("not an SQLite database");
  }

  @Test
  void fileCutMidPageIsRefusedAsTruncated() throws Exception {
    Path f = savedDatabase();
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(raf.length() / 2 + 123);
    }
    assertLoadFails("truncated");
  }

  @Test
  void fileCutAtAPageBoundaryIsRefusedAsTruncated() throws Exception {
    Path f = savedDatabase();
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(raf.length() / 2 / 4096 * 4096);
    }
    assertLoadFails("truncated");
  }

  @Test
  void fileCutInsideTheHeaderIsRefused() throws Exception {
    Path f = savedDatabase();
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(60);
    }
    assertLoadFails("not an SQLite database");
  }

  @Test
  void overwrittenPagesAreReportedAsCorrupt() throws Exception {
    Path f = savedDatabase();
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      byte[] junk = new byte[4096 * 4];
      new Random(7).nextBytes(junk);
      raf.seek(4096 * 2); // the b-tree pages after the schema page
      raf.write(junk);
    }
    Store store = Store.builder().replicaId("r").build();
    try (SqlitePersister p = SqlitePersister.builder(store, f).build()) {
      assertThatThrownBy(p::load).isInstanceOf(CorruptDatabaseException.class).hasMessageContaining(f.toString());
    }
  }

  @Test
  void sqliteDatabaseOfAnotherApplicationIsRefused() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE cells (x)");
      s.execute("INSERT INTO cells VALUES (1)");
    }
    assertLoadFails("not a Syncline one");
  }

  @Test
  void newerFormatVersionIsRefused() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    assertLoadFails("format version 99");
  }

  @Test
  void undecodableRowIsRefusedNamingTheCell() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("UPDATE cells SET kind = 5, value = '{\"broken' WHERE row_id = 'row42'");
    }
    assertLoadFails("row 'row42' of table 't'", false);
  }

  @Test
  void unknownKindIsRefused() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("UPDATE cells SET kind = 42 WHERE row_id = 'row7'");
    }
    assertLoadFails("unknown kind 42", false);
  }

  @Test
  void kindWithoutValueIsRefused() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("UPDATE cells SET kind = 2, value = NULL WHERE row_id = 'row9'");
    }
    assertLoadFails("has kind 2 but no value", false);
  }

  @Test
  void outOfRangeStampIsRefused() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("UPDATE cells SET millis = -5 WHERE row_id = 'row11'");
    }
    assertLoadFails("row 'row11' of table 't' has a stamp", false);
  }

  @Test
  void hugeKindIsRefused() throws Exception {
    Path f = savedDatabase();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
      s.execute("UPDATE cells SET kind = 1000 WHERE row_id = 'row12'");
    }
    assertLoadFails("kind outside", false);
  }

  @Test
  void verifyRunsTheIntegrityCheck() throws Exception {
    Path f = savedDatabase();
    try (SqliteCellStore db = SqliteCellStore.open(f)) {
      db.verify();
    }
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(4096 * 3);
      raf.write("scribble ".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(() -> {
      try (SqliteCellStore db = SqliteCellStore.open(f)) {
        db.verify();
      }
    }).isInstanceOf(CorruptDatabaseException.class).hasMessageContaining(f.toString());
  }

  @Test
  void unwritableLocationGivesAnExceptionNamingTheFile() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    Path f = blocker.resolve("store.db");
    Store store = Store.builder().replicaId("r").build();
    try (SqlitePersister p = SqlitePersister.builder(store, f).build()) {
      assertThatThrownBy(p::save).isInstanceOf(SqliteStoreException.class).hasMessageContaining(f.toString());
    }
  }
}

package io.syncline.persist.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SQLite-specific behaviour beyond {@link SqlitePersisterContractTest}: failures in the background. */
@Timeout(30)
class SqlitePersisterTest {
  @TempDir
  Path dir;

  private Path file() {
    return dir.resolve("store.db");
  }

  private static void execute(Path file, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void failedAutoSaveBatchIsReportedAndRetriedWithNothingLost() throws Exception {
    Store store = Store.builder().replicaId("w").build();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (SqlitePersister p = SqlitePersister.builder(store, file()).throttle(Duration.ofMillis(20)).build()) {
      p.addErrorListener(errors::add);
      p.startAutoSave();
      execute(file(), "ALTER TABLE store_values RENAME TO hidden_values"); // breaks writes of values
      store.setCell("t", "r", "c", "cell");
      store.setValue("v", "value");
      await(() -> !errors.isEmpty());
      assertThat(errors.get(0)).isInstanceOf(SqliteStoreException.class).hasMessageContaining(file().toString());
      execute(file(), "ALTER TABLE hidden_values RENAME TO store_values");
      store.setCell("t", "r2", "c", "later");
      p.flush();
    }
    Store reloaded = Store.builder().replicaId("r").build();
    try (SqlitePersister p = SqlitePersister.builder(reloaded, file()).build()) {
      p.load();
    }
    assertThat(reloaded.getCell("t", "r", "c")).isEqualTo("cell");
    assertThat(reloaded.getValue("v")).isEqualTo("value");
    assertThat(reloaded.getCell("t", "r2", "c")).isEqualTo("later");
  }

  @Test
  void corruptRowWrittenByAnotherProcessIsReportedNotApplied() throws Exception {
    Store store = Store.builder().replicaId("w").build();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (SqlitePersister p = SqlitePersister.builder(store, file()).autoLoadInterval(Duration.ofMillis(20)).build()) {
      p.addErrorListener(errors::add);
      p.startAutoLoad();
      execute(file(), "INSERT INTO cells VALUES ('t', 'bad', 'c', 42, 'x', 1, 0, 1, 1000)");
      await(() -> !errors.isEmpty());
      assertThat(errors.get(0)).isInstanceOf(CorruptDatabaseException.class)
          .hasMessageContaining("row 'bad' of table 't'").hasMessageContaining(file().toString());
      assertThat(store.getTables()).isEmpty();
      assertThat(p.status()).isEqualTo(io.syncline.core.Persister.Status.IDLE);
    }
  }

  @Test
  void autoLoadReadsOnlyWhatChangedAndMergesTheStoredVector() throws Exception {
    Store writer = Store.builder().replicaId("w").build();
    Store reader = Store.builder().replicaId("r").build();
    try (SqlitePersister w = SqlitePersister.builder(writer, file()).throttle(Duration.ofMillis(5)).build();
        SqlitePersister r = SqlitePersister.builder(reader, file()).autoLoadInterval(Duration.ofMillis(10)).build()) {
      w.startAutoSave();
      r.startAutoLoad();
      List<Integer> sizes = new CopyOnWriteArrayList<>();
      reader.addChangesetListener((changeset, origin) -> sizes.add(changeset.size()));
      writer.transaction(tx -> {
        for (int i = 0; i < 100; i++) {
          tx.setCell("t", "r" + i, "c", (long) i);
        }
      });
      w.flush();
      await(() -> reader.rowIds("t").size() == 100);
      writer.setCell("t", "r5", "c", -5L);
      w.flush();
      await(() -> Long.valueOf(-5).equals(reader.getCell("t", "r5", "c")));
      assertThat(sizes).last().isEqualTo(1); // the second load merged one cell, not 100
      assertThat(reader.versionVector()).isEqualTo(writer.versionVector());
    }
  }

  @Test
  void usingAClosedPersisterIsAnError() {
    Store store = Store.builder().replicaId("w").build();
    SqlitePersister p = SqlitePersister.builder(store, file()).build();
    p.close();
    assertThatThrownBy(p::save).isInstanceOf(IllegalStateException.class).hasMessageContaining(file().toString());
    p.close(); // idempotent
  }

  @Test
  void builderRejectsBadSettingsNamingThem() {
    Store store = Store.create();
    assertThatThrownBy(() -> SqlitePersister.builder(store, file()).throttle(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttle");
    assertThatThrownBy(() -> SqlitePersister.builder(store, file()).autoLoadInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("autoLoadInterval");
  }
}

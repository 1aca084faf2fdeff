package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.CellSchema;
import io.syncline.core.CellType;
import io.syncline.core.Change;
import io.syncline.core.Persister;
import io.syncline.core.Schema;
import io.syncline.core.Store;
import io.syncline.core.VersionVector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Persister} must have (DESIGN section 7), as one JUnit 5 suite that
 * each adapter module extends, like Lucene's {@code BaseDirectoryTestCase}:
 *
 * <pre>{@code
 * class SqlitePersisterContractTest extends PersisterContract {
 *   @Override
 *   protected Persister create(Store store, Path dir) {
 *     return SqlitePersister.builder(store, dir.resolve("store.db")).throttle(throttle()).build();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #create} is called several times per test with the same {@code dir}; every persister
 * it returns must use the same storage in it. Auto-save must use {@link #throttle()}; auto-load
 * must notice another writer within {@link #autoLoadLatency()}. The subclass needs a no-argument
 * constructor: the second-process test runs {@link SecondProcessWriter} in a child JVM with this
 * JVM's class path, and it builds the subclass to create its persister.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PersisterContract {
  /** Storage of the test; every {@link #create} call of one test gets this directory. */
  @TempDir
  protected Path dir;

  private final AtomicInteger readers = new AtomicInteger();

  /** A new persister of {@code store} over the storage in {@code dir} (created if absent). */
  protected abstract Persister create(Store store, Path dir);

  /** The auto-save throttle {@link #create} must configure; 100 ms unless overridden. */
  protected Duration throttle() {
    return Duration.ofMillis(100);
  }

  /**
   * Whether two persisters may auto-save into the same storage at once and still converge (no
   * write of one overwrites the other's). True unless overridden; a persister that overrides it
   * with false has {@link #twoAutoLoadingAutoSavingStoresConverge} skipped and must say so in its
   * documentation.
   */
  protected boolean supportsConcurrentWriters() {
    return true;
  }

  /** How long auto-load may take to merge another writer's saved changes; 10 s unless overridden. */
  protected Duration autoLoadLatency() {
    return Duration.ofSeconds(10);
  }

  // ---------------------------------------------------------------------------------------------
  // Round trips

  @Test
  public void loadingEmptyStorageLeavesTheStoreEmpty() {
    Store store = reload();
    assertThat(store.getTables()).isEmpty();
    assertThat(store.getValues()).isEmpty();
    assertThat(store.versionVector()).isEqualTo(VersionVector.EMPTY);
  }

  @Test
  public void emptyStoreRoundTrips() {
    Store original = Store.builder().replicaId("writer").build();
    saveOnce(original);
    Store reloaded = reload();
    assertThat(reloaded.getTables()).isEmpty();
    assertThat(reloaded.getValues()).isEmpty();
  }

  @Test
  public void roundTripKeepsCellsValuesStampsAndVersionVector() {
    Store original = Store.builder().replicaId("writer").build();
    populate(original);
    saveOnce(original);

    Store reloaded = reload();

    assertSameState(reloaded, original);
    assertThat(reloaded.deltaSince(original.versionVector()).isEmpty()).isTrue();
    assertThat(original.deltaSince(reloaded.versionVector()).isEmpty()).isTrue();
    assertThat(reloaded.deltaSince(VersionVector.EMPTY).size()).isEqualTo(original.fullState().size());
  }

  @Test
  public void reloadedStoreMergesLikeTheOriginal() {
    Store original = Store.builder().replicaId("writer").build();
    populate(original);
    saveOnce(original);
    Store reloaded = reload();

    // A peer that wrote some cells before (older stamps) and some after (newer stamps).
    Store older = Store.builder().replicaId("older").clock(fixedClock(Instant.parse("2001-01-01T00:00:00Z"))).build();
    older.setCell("pets", "fido", "species", "cat"); // loses to the saved write
    older.setCell("pets", "rex", "species", "wolf"); // loses to the saved delete of rex
    Store newer = Store.builder().replicaId("newer").clock(fixedClock(Instant.now().plusSeconds(60))).build();
    newer.setCell("pets", "fido", "legs", 3L); // wins
    newer.setValue("open", false); // wins

    for (Store s : List.of(original, reloaded)) {
      s.applyDelta(older.fullState());
      s.applyDelta(newer.fullState());
    }
    assertSameState(reloaded, original);
    assertThat(reloaded.getCell("pets", "fido", "species")).isEqualTo("dog");
    assertThat(reloaded.hasRow("pets", "rex")).isFalse();
    assertThat(reloaded.getCell("pets", "fido", "legs")).isEqualTo(3L);
    assertThat(reloaded.getValue("open")).isEqualTo(false);
  }

  @Test
  public void loadMergesWithWhatTheStoreAlreadyHolds() {
    Store original = Store.builder().replicaId("writer").build();
    original.setCell("t", "a", "x", "saved");
    original.setCell("t", "b", "x", "saved");
    saveOnce(original);

    Store local = Store.builder().replicaId("local").build();
    local.setCell("t", "b", "x", "newer local"); // written after the save: newer stamp
    local.setCell("t", "c", "x", "only local");
    try (Persister p = create(local, dir)) {
      p.load();
    }
    assertThat(local.getCell("t", "a", "x")).isEqualTo("saved");
    assertThat(local.getCell("t", "b", "x")).isEqualTo("newer local");
    assertThat(local.getCell("t", "c", "x")).isEqualTo("only local");
  }

  @Test
  public void deletesAndTombstonesSurviveReload() {
    Store original = Store.builder().replicaId("writer").build();
    original.setRow("t", "kept", Map.of("a", 1L, "b", 2L));
    original.setRow("t", "gone", Map.of("a", 1L, "b", 2L));
    original.setRow("other", "r", Map.of("a", 1L));
    original.setValue("v", "x");
    original.setValue("w", "y");
    original.delRow("t", "gone");
    original.delCell("t", "kept", "b");
    original.delTable("other");
    original.delValue("w");
    saveOnce(original);

    Store reloaded = reload();
    assertSameState(reloaded, original);
    assertThat(reloaded.getTables()).isEqualTo(Map.of("t", Map.of("kept", Map.of("a", 1L))));
    assertThat(reloaded.getValues()).isEqualTo(Map.of("v", "x"));

    // The tombstones kept their stamps: an older write of a deleted cell stays deleted.
    Store stale = Store.builder().replicaId("stale").clock(fixedClock(Instant.parse("2001-01-01T00:00:00Z"))).build();
    stale.setCell("t", "gone", "a", 99L);
    stale.setValue("w", "stale");
    reloaded.applyDelta(stale.fullState());
    assertThat(reloaded.hasRow("t", "gone")).isFalse();
    assertThat(reloaded.getValue("w")).isNull();
  }

  @Test
  public void deleteAfterSaveIsSavedToo() {
    Store original = Store.builder().replicaId("writer").build();
    original.setCell("t", "r", "c", "x");
    try (Persister p = create(original, dir)) {
      p.save();
      original.delCell("t", "r", "c");
      p.save();
    }
    Store reloaded = reload();
    assertThat(reloaded.getTables()).isEmpty();
    assertSameState(reloaded, original);
  }

  @Test
  public void schemaTypedCellsAndValuesRoundTrip() {
    Schema schema = Schema.builder()
        .table("pets", Map.of(
            "species", CellSchema.of(CellType.STRING).asRequired(),
            "legs", CellSchema.of(CellType.INTEGER).withDefault(4L),
            "weight", CellSchema.of(CellType.NUMBER),
            "vaccinated", CellSchema.of(CellType.BOOLEAN),
            "tags", CellSchema.of(CellType.JSON)))
        .value("open", CellSchema.of(CellType.BOOLEAN).withDefault(false))
        .value("visits", CellSchema.of(CellType.NUMBER))
        .build();
    Store original = Store.builder().replicaId("writer").schema(schema).build();
    original.setRow("pets", "fido", Map.of("species", "dog", "weight", 12, "vaccinated", true,
        "tags", List.of("good", "boy")));
    original.setRow("pets", "tom", Map.of("species", "cat", "legs", 3L, "weight", 4.25));
    original.setValue("open", true);
    original.setValue("visits", 7);
    saveOnce(original);

    Store reloaded = Store.builder().replicaId("reader").schema(schema).build();
    try (Persister p = create(reloaded, dir)) {
      p.load();
    }
    assertSameState(reloaded, original);
    assertThat(reloaded.getCell("pets", "fido", "weight")).isEqualTo(12.0);
    assertThat(reloaded.getCell("pets", "fido", "legs")).isEqualTo(4L); // the default, never stored
    assertThat(reloaded.getCell("pets", "tom", "legs")).isEqualTo(3L);
    assertThat(reloaded.getValue("visits")).isEqualTo(7.0);
  }

  @Test
  public void jsonCellsKeepTheirTreeAndNumberTypes() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("name", "Zoë \"the\" \\ cat\n\t😀");
    tree.put("count", 42L);
    tree.put("big", Long.MIN_VALUE);
    tree.put("ratio", 0.1);
    tree.put("whole", 3.0);
    tree.put("tiny", 1e-300);
    tree.put("flag", true);
    tree.put("nothing", null);
    tree.put("list", java.util.Arrays.asList(1L, 2.5, "three", false, null, List.of(), Map.of()));
    tree.put("nested", Map.of("deeper", Map.of("deepest", List.of(Map.of("k", "v")))));
    tree.put("empty", Map.of());
    Store original = Store.builder().replicaId("writer").build();
    original.setCell("docs", "d1", "body", tree);
    original.setCell("docs", "d2", "body", List.of(1L, List.of(2L, List.of(3L))));
    original.setValue("config", Map.of("theme", "dark", "size", 12L));
    saveOnce(original);

    Store reloaded = reload();
    assertSameState(reloaded, original);
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) reloaded.getCell("docs", "d1", "body");
    assertThat(back).isEqualTo(tree);
    assertThat(back.get("whole")).isInstanceOf(Double.class);
    assertThat(back.get("count")).isInstanceOf(Long.class);
    assertThat(new ArrayList<>(back.keySet())).containsExactlyElementsOf(tree.keySet());
  }

  @Test
  public void scalarValuesKeepTheirExactValueAndType() {
    Store original = Store.builder().replicaId("writer").build();
    Object[] scalars = {"", "text", 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0.0, -0.0, 1.5, -2.75e-300,
        Double.MAX_VALUE, Double.MIN_VALUE, 1e21, true, false};
    for (int i = 0; i < scalars.length; i++) {
      original.setCell("scalars", "r", "c" + i, scalars[i]);
      original.setValue("v" + i, scalars[i]);
    }
    saveOnce(original);
    Store reloaded = reload();
    for (int i = 0; i < scalars.length; i++) {
      assertThat(reloaded.getCell("scalars", "r", "c" + i)).as("cell c%d", i).isEqualTo(scalars[i]);
      assertThat(reloaded.getValue("v" + i)).as("value v%d", i).isEqualTo(scalars[i]);
    }
    assertSameState(reloaded, original);
  }

  @Test
  public void unicodeAndAwkwardIdsRoundTrip() {
    List<String> ids = List.of("表/😀/ü", "users/1/friends", "with space", "quote'\"", "percent%2F",
        "dot.", "..", "CON", "e\u0301", "עברית", "a\\b", "tab\tnewline\n", "x".repeat(300));
    Store original = Store.builder().replicaId("writer").build();
    for (String id : ids) {
      original.setCell(id, id, id, id);
      original.setValue(id, id);
    }
    saveOnce(original);
    Store reloaded = reload();
    for (String id : ids) {
      assertThat(reloaded.getCell(id, id, id)).as(id).isEqualTo(id);
      assertThat(reloaded.getValue(id)).as(id).isEqualTo(id);
    }
    assertSameState(reloaded, original);
  }

  @Test
  public void largeStoreRoundTrips() {
    Store original = Store.builder().replicaId("writer").build();
    original.transaction(tx -> {
      for (int row = 0; row < 10_000; row++) {
        for (int cell = 0; cell < 10; cell++) {
          tx.setCell("big" + (row % 4), "row" + row, "c" + cell, cell % 2 == 0 ? (Object) (long) row : "v" + row);
        }
      }
    });
    saveOnce(original);
    Store reloaded = reload();
    assertThat(reloaded.fullState().size()).isEqualTo(100_000);
    assertThat(reloaded.getTables()).isEqualTo(original.getTables());
    assertThat(reloaded.versionVector()).isEqualTo(original.versionVector());
  }

  @Test
  public void saveTwiceIsIdempotent() {
    Store original = Store.builder().replicaId("writer").build();
    populate(original);
    try (Persister p = create(original, dir)) {
      p.save();
      p.save();
    }
    assertSameState(reload(), original);
  }

  // ---------------------------------------------------------------------------------------------
  // Auto-save

  @Test
  public void startAutoSaveWritesWhatTheStoreAlreadyHeld() {
    Store original = Store.builder().replicaId("writer").build();
    populate(original);
    try (Persister p = create(original, dir)) {
      p.startAutoSave();
      assertThat(p.isAutoSaving()).isTrue();
      p.stop();
      assertThat(p.isAutoSaving()).isFalse();
    }
    assertSameState(reload(), original);
  }

  @Test
  public void autoSaveWritesChangesWithinAThrottleWindow() {
    Store original = Store.builder().replicaId("writer").build();
    try (Persister p = create(original, dir)) {
      p.startAutoSave();
      original.setCell("t", "r", "c", "first");
      awaitTrue("the auto-saved cell to reach storage", () -> "first".equals(reload().getCell("t", "r", "c")));
      original.delCell("t", "r", "c");
      original.setValue("v", 1L);
      awaitTrue("the auto-saved delete to reach storage", () -> {
        Store r = reload();
        return r.getTables().isEmpty() && Long.valueOf(1).equals(r.getValue("v"));
      });
    }
  }

  @Test
  public void autoSaveBatchesAWindowInsteadOfWritingEveryChange() {
    Store original = Store.builder().replicaId("writer").build();
    try (Persister p = create(original, dir)) {
      p.startAutoSave();
      List<Persister.Status> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
      p.addStatusListener(statuses::add);
      long start = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        original.setCell("t", "hot", "c", (long) i); // 500 writes to one cell
        original.setCell("t", "row" + (i % 50), "c", (long) i);
      }
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      awaitTrue("the last write to reach storage", () -> Long.valueOf(499).equals(reload().getCell("t", "hot", "c")));
      long saves = statuses.stream().filter(s -> s == Persister.Status.SAVING).count();
      long windows = 2 + elapsedMillis / Math.max(1, throttle().toMillis());
      assertThat(saves).as("saves for 1000 writes in %d ms with a %s throttle", elapsedMillis, throttle())
          .isBetween(1L, windows + 1);
    }
    Store reloaded = reload();
    assertThat(reloaded.rowIds("t")).hasSize(51);
    assertSameState(reloaded, original);
  }

  @Test
  public void stopFlushesWhatAutoSaveHeld() {
    Store original = Store.builder().replicaId("writer").build();
    try (Persister p = create(original, dir)) {
      p.startAutoSave();
      for (int i = 0; i < 100; i++) {
        original.setCell("t", "r" + i, "c", (long) i);
      }
      original.setValue("last", "written just before stop");
      p.stop(); // no wait for the throttle window: stop must write it
      Store reloaded = reload();
      assertThat(reloaded.rowIds("t")).hasSize(100);
      assertThat(reloaded.getValue("last")).isEqualTo("written just before stop");
    }
  }

  @Test
  public void closeFlushesWhatAutoSaveHeldAndIsIdempotent() {
    Store original = Store.builder().replicaId("writer").build();
    Persister p = create(original, dir);
    p.startAutoSave();
    original.setCell("t", "r", "c", "x");
    p.close();
    p.close();
    assertThat(p.status()).isEqualTo(Persister.Status.CLOSED);
    assertThat(reload().getCell("t", "r", "c")).isEqualTo("x");
  }

  @Test
  public void writesAfterStopAreNotSaved() {
    Store original = Store.builder().replicaId("writer").build();
    try (Persister p = create(original, dir)) {
      p.startAutoSave();
      original.setCell("t", "r", "c", "saved");
      p.stop();
      original.setCell("t", "r", "c", "not saved");
      sleep(throttle().toMillis() * 3);
    }
    assertThat(reload().getCell("t", "r", "c")).isEqualTo("saved");
  }

  // ---------------------------------------------------------------------------------------------
  // Auto-load

  @Test
  public void autoLoadPicksUpChangesFromASecondPersister() {
    Store writer = Store.builder().replicaId("writer").build();
    Store reader = Store.builder().replicaId("reader").build();
    writer.setCell("t", "before", "c", "saved before auto-load started");
    try (Persister w = create(writer, dir); Persister r = create(reader, dir)) {
      w.startAutoSave();
      r.startAutoLoad();
      assertThat(r.isAutoLoading()).isTrue();
      assertThat(reader.getCell("t", "before", "c")).isEqualTo("saved before auto-load started");

      writer.setCell("t", "after", "c", "saved later");
      writer.delCell("t", "before", "c");
      awaitTrue("auto-load to merge the second writer's changes",
          () -> "saved later".equals(reader.getCell("t", "after", "c")) && !reader.hasRow("t", "before"));
      w.stop();
      r.stop();
    }
    assertSameState(reader, writer);
  }

  @Test
  public void twoAutoLoadingAutoSavingStoresConverge() {
    Assumptions.assumeTrue(supportsConcurrentWriters(), "the persister does not support concurrent writers");
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    try (Persister pa = create(a, dir); Persister pb = create(b, dir)) {
      pa.startAutoLoad();
      pa.startAutoSave();
      pb.startAutoLoad();
      pb.startAutoSave();
      for (int i = 0; i < 20; i++) {
        a.setCell("t", "a" + i, "c", (long) i);
        b.setCell("t", "b" + i, "c", (long) i);
        a.setValue("shared", "a" + i);
      }
      awaitTrue("both stores to hold both writers' rows",
          () -> a.rowIds("t").size() == 40 && b.rowIds("t").size() == 40 && a.getTables().equals(b.getTables())
              && a.getValues().equals(b.getValues()));
    }
    assertThat(a.getValue("shared")).isEqualTo("a19");
  }

  @Test
  public void autoLoadPicksUpChangesFromAnotherProcess() throws Exception {
    Store reader = Store.builder().replicaId("reader").build();
    try (Persister r = create(reader, dir)) {
      r.startAutoLoad();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          SecondProcessWriter.class.getName(), getClass().getName(), dir.toString(), "child", "50")
          .redirectErrorStream(true).start();
      List<String> output = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.add(line);
        }
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child finished").isTrue();
      assertThat(child.exitValue()).as("child exit; output: %s", output).isZero();
      assertThat(output).contains("DONE");
      awaitTrue("auto-load to merge the other process's rows", () -> reader.rowIds("fromChild").size() == 50);
      assertThat(reader.getCell("fromChild", "r49", "n")).isEqualTo(49L);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers for subclasses and the tests above

  /** A store populated with every kind of content, including deletes. */
  protected static void populate(Store store) {
    store.setRow("pets", "fido", Map.of("species", "dog", "legs", 4L, "weight", 12.5, "good", true));
    store.setRow("pets", "felix", Map.of("species", "cat", "legs", 4L, "good", false));
    store.setRow("pets", "rex", Map.of("species", "dinosaur"));
    store.delRow("pets", "rex");
    store.setCell("pets", "felix", "toys", List.of("ball", Map.of("kind", "mouse", "squeaks", 3L)));
    store.setCell("users/1/friends", "u2", "since", 2019L);
    store.setValue("open", true);
    store.setValue("motto", "local-first");
    store.setValue("gone", 1L);
    store.delValue("gone");
  }

  /** Saves {@code store} once with a fresh persister and closes it. */
  protected void saveOnce(Store store) {
    try (Persister p = create(store, dir)) {
      p.save();
    }
  }

  /** A fresh store loaded from the storage with a fresh persister. */
  protected Store reload() {
    Store store = Store.builder().replicaId("reader-" + readers.incrementAndGet()).build();
    try (Persister p = create(store, dir)) {
      p.load();
    }
    return store;
  }

  /** Same tables, values, stamps (tombstones included) and version vector. */
  protected static void assertSameState(Store actual, Store expected) {
    assertThat(actual.getTables()).isEqualTo(expected.getTables());
    assertThat(actual.getValues()).isEqualTo(expected.getValues());
    assertThat(changeSet(actual)).isEqualTo(changeSet(expected));
    assertThat(actual.versionVector().dominates(expected.versionVector())).as("version vector %s covers %s",
        actual.versionVector(), expected.versionVector()).isTrue();
  }

  private static Set<Change> changeSet(Store store) {
    return new HashSet<>(store.fullState().changes());
  }

  protected void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + autoLoadLatency().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + autoLoadLatency() + " waiting for " + what);
      }
      sleep(20);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Clock fixedClock(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }
}

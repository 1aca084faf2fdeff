package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.Persister;
import io.syncline.core.Store;
import io.syncline.persist.file.internal.PersisterFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FilePersisterTest {
  @TempDir Path dir;

  static Set<Change> state(Store store) {
    return new HashSet<>(store.fullState().changes());
  }

  static Store fresh(String replica) {
    return Store.builder().replicaId(replica).build();
  }

  static FilePersister.LoadResult loadInto(Store store, Path dir, PersistenceKeyResolver resolver,
      KeyProvider keys) {
    FilePersister.Builder builder = FilePersister.builder(store, dir).resolver(resolver);
    if (keys != null) {
      builder.keys(keys);
    }
    try (FilePersister persister = builder.build()) {
      return persister.loadAsync().join();
    }
  }

  static FilePersister.LoadResult loadInto(Store store, Path dir) {
    return loadInto(store, dir, PersistenceKeyResolver.single(), null);
  }

  List<String> fileNames() throws IOException {
    return FileSystem.SYSTEM.list(dir).stream().map(p -> p.getFileName().toString()).sorted()
        .collect(Collectors.toList());
  }

  List<Change> changesInFile(String key, KeyProvider keys) throws IOException {
    Path file = dir.resolve(PersisterFormat.fileName(key));
    byte[] body = ChecksummedFile.read(FileSystem.SYSTEM, file, PersisterFormat.KEY_FORMAT, 1, 1,
        keys).body();
    return PersisterFormat.decodeKeyFile(file, body).delta().changes();
  }

  Set<String> rowsInFile(String key) throws IOException {
    Set<String> rows = new HashSet<>();
    for (Change change : changesInFile(key, null)) {
      if (change instanceof CellChange cell) {
        rows.add(cell.table() + "/" + cell.row());
      }
    }
    return rows;
  }

  static void fill(Store store) {
    store.setCell("pets", "fido", "species", "dog");
    store.setCell("pets", "fido", "legs", 4);
    store.setCell("pets", "felix", "species", "cat");
    store.setCell("pets", "felix", "weight", 4.5);
    store.setCell("pets", "felix", "indoor", true);
    store.setRow("pets", "gone", Map.of("species", "fish"));
    store.delRow("pets", "gone");
    store.setCell("users/1/friends", "ann", "name", "Ann \u00e9\u4e16\ud83d\ude00");
    store.setValue("open", true);
    store.setValue("deleted", "x");
    store.delValue("deleted");
  }

  @Test
  void saveAndLoadRoundTripsCellsTombstonesValuesAndStamps() {
    Store original = fresh("alice");
    fill(original);
    try (FilePersister persister = FilePersister.builder(original, dir).build()) {
      persister.save();
    }
    Store reloaded = fresh("alice-reloaded");
    FilePersister.LoadResult result = loadInto(reloaded, dir);
    assertThat(result.skipped()).isEmpty();
    assertThat(reloaded.getTables()).isEqualTo(original.getTables());
    assertThat(reloaded.getValues()).isEqualTo(original.getValues());
    assertThat(state(reloaded)).as("every cell and tombstone with its stamp")
        .isEqualTo(state(original));
    assertThat(reloaded.versionVector()).isEqualTo(original.versionVector());
  }

  @Test
  void reloadedStoreMergesExactlyLikeTheSavedOne() {
    Store original = fresh("alice");
    fill(original);
    Store other = fresh("bob");
    other.setCell("pets", "fido", "species", "wolf"); // a later write wins over alice's
    other.setCell("pets", "gone", "species", "shark"); // a later write resurrects the row
    try (FilePersister persister = FilePersister.builder(original, dir).build()) {
      persister.save();
    }
    Store reloaded = fresh("alice");
    loadInto(reloaded, dir);
    original.applyDelta(other.fullState());
    reloaded.applyDelta(other.fullState());
    assertThat(reloaded.getTables()).isEqualTo(original.getTables());
    assertThat(state(reloaded)).isEqualTo(state(original));
    assertThat(other.deltaSince(reloaded.versionVector()).size())
        .isEqualTo(other.deltaSince(original.versionVector()).size());
  }

  @Test
  void emptyStoreAndEmptyDirectory() throws IOException {
    Store store = fresh("alice");
    FilePersister.LoadResult result = loadInto(store, dir);
    assertThat(result.filesLoaded()).isZero();
    try (FilePersister persister = FilePersister.builder(store, dir).build()) {
      persister.save();
    }
    assertThat(fileNames()).containsExactly(PersisterFormat.INDEX_FILE);
    Store reloaded = fresh("b");
    assertThat(loadInto(reloaded, dir).skipped()).isEmpty();
    assertThat(reloaded.getTables()).isEmpty();
  }

  @Test
  void autoSaveWritesOncePerThrottleWindowNotPerWrite() throws Exception {
    Store store = fresh("alice");
    try (FilePersister persister = FilePersister.builder(store, dir)
        .throttle(Duration.ofMillis(300)).build()) {
      persister.startAutoSave();
      long before = persister.batchesWritten();
      for (int i = 0; i < 2000; i++) {
        store.setCell("counters", "c" + (i % 10), "n", i);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (persister.batchesWritten() == before && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(100);
      assertThat(persister.batchesWritten() - before).as("batches for 2000 writes")
          .isBetween(1L, 3L);
    }
    Store reloaded = fresh("b");
    loadInto(reloaded, dir);
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
  }

  @Test
  void autoSaveRewritesOnlyTheKeysChangedInTheWindow() throws IOException {
    PersistenceKeyResolver resolver = PersistenceKeyResolver.builder()
        .key("pets", "pets").key("users", "users").build();
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(resolver)
        .throttle(Duration.ofHours(1)).build()) {
      persister.startAutoSave();
      assertThat(fileNames()).containsExactly(PersisterFormat.INDEX_FILE, "key-pets.slc",
          "key-users.slc", "key-values.slc");
      long files = persister.filesWritten();
      store.setCell("pets", "fido", "legs", 3);
      store.setCell("pets", "felix", "legs", 4);
      persister.flush();
      assertThat(persister.filesWritten() - files).isEqualTo(1);
      persister.flush();
      assertThat(persister.filesWritten() - files).as("nothing new, nothing written").isEqualTo(1);
    }
  }

  @Test
  void valueKeyOnAPathPrefixCoversEveryTableBelowIt() throws IOException {
    PersistenceKeyResolver resolver = PersistenceKeyResolver.builder()
        .key("users", "all-users").key("users/2", "user-2").defaultKey("misc").build();
    Store store = fresh("alice");
    store.setCell("users", "u1", "name", "a");
    store.setCell("users/1/friends", "f", "name", "b");
    store.setCell("users/2/friends", "f", "name", "c");
    store.setCell("users/2", "x", "name", "d");
    store.setCell("users10", "x", "name", "e"); // not below "users"
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(resolver).build()) {
      persister.save();
    }
    assertThat(rowsInFile("all-users")).containsExactlyInAnyOrder("users/u1", "users/1/friends/f");
    assertThat(rowsInFile("user-2")).containsExactlyInAnyOrder("users/2/friends/f", "users/2/x");
    assertThat(rowsInFile("misc")).containsExactly("users10/x");
    Store reloaded = fresh("b");
    loadInto(reloaded, dir, resolver, null);
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
  }

  static PersistenceKeyResolver byFolder() {
    return PersistenceKeyResolver.builder()
        .key("notes", (table, row, content) -> "folder-" + content.getOrDefault("folder", "none"))
        .build();
  }

  @Test
  void aRowWhoseBuilderKeyChangesMovesToItsNewFile() throws IOException {
    Store store = fresh("alice");
    store.setRow("notes", "n1", Map.of("folder", "a", "text", "hello"));
    store.setRow("notes", "n2", Map.of("folder", "a", "text", "stays"));
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(byFolder())
        .throttle(Duration.ofHours(1)).build()) {
      persister.startAutoSave();
      assertThat(rowsInFile("folder-a")).containsExactlyInAnyOrder("notes/n1", "notes/n2");
      store.setCell("notes", "n1", "folder", "b");
      persister.flush();
      assertThat(rowsInFile("folder-a")).containsExactly("notes/n2");
      assertThat(rowsInFile("folder-b")).containsExactly("notes/n1");
      store.setCell("notes", "n2", "folder", "b");
      persister.flush();
      assertThat(fileNames()).as("an emptied key's file is deleted")
          .doesNotContain("key-folder-a.slc").contains("key-folder-b.slc");
    }
    Store reloaded = fresh("b");
    loadInto(reloaded, dir, byFolder(), null);
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
  }

  @Test
  void keysOfABatchAreResolvedFromItsFinalContent() throws IOException {
    Store store = fresh("alice");
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(byFolder())
        .throttle(Duration.ofHours(1)).build()) {
      persister.startAutoSave();
      store.setRow("notes", "n1", Map.of("folder", "a", "text", "draft"));
      store.setCell("notes", "n1", "folder", "b");
      store.setCell("notes", "n1", "folder", "c");
      persister.flush();
      assertThat(fileNames()).contains("key-folder-c.slc")
          .doesNotContain("key-folder-a.slc", "key-folder-b.slc");
      assertThat(rowsInFile("folder-c")).containsExactly("notes/n1");
    }
  }

  @Test
  void deletedRowKeepsItsTombstonesInItsFile() throws IOException {
    Store store = fresh("alice");
    store.setRow("notes", "n1", Map.of("folder", "a", "text", "x"));
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(byFolder())
        .throttle(Duration.ofHours(1)).build()) {
      persister.startAutoSave();
      store.delRow("notes", "n1");
      persister.flush();
    }
    assertThat(changesInFile("folder-a", null)).hasSize(2)
        .allSatisfy(change -> assertThat(((CellChange) change).value()).isNull());
    Store stale = fresh("bob");
    stale.setRow("notes", "n1", Map.of("folder", "a", "text", "old"));
    Store reloaded = fresh("alice");
    loadInto(reloaded, dir, byFolder(), null);
    reloaded.applyDelta(stale.fullState()); // bob wrote before alice deleted... or after?
    Store reference = fresh("ref");
    reference.applyDelta(store.fullState());
    reference.applyDelta(stale.fullState());
    assertThat(reloaded.getTables()).isEqualTo(reference.getTables());
  }

  @Test
  void keyNamesAreSafeFileNames() {
    assertThat(PersisterFormat.fileName("users/1")).isEqualTo("key-users%2F1.slc");
    assertThat(PersisterFormat.fileName("A")).isNotEqualTo(PersisterFormat.fileName("a"));
    assertThat(PersisterFormat.fileName("..")).doesNotContain("/").startsWith("key-");
    assertThat(PersisterFormat.fileName("x".repeat(1000)).length()).isLessThan(100);
  }

  @Test
  void encryptedKeysHidePlaintextAndLoadWithTheKey() throws IOException {
    KeyProvider keys = KeyProvider.of(Map.of("k1", ChecksummedFileTest.key(1)),
        key -> key.equals("store") || key.isEmpty() ? "k1" : null);
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).keys(keys).build()) {
      persister.save();
    }
    String raw = new String(Files.readAllBytes(dir.resolve("key-store.slc")),
        StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain("species").doesNotContain("felix");
    assertThat(new String(Files.readAllBytes(dir.resolve(PersisterFormat.INDEX_FILE)),
        StandardCharsets.ISO_8859_1)).doesNotContain("pets");
    Store reloaded = fresh("b");
    assertThat(loadInto(reloaded, dir, PersistenceKeyResolver.single(), keys).skipped()).isEmpty();
    assertThat(state(reloaded)).isEqualTo(state(store));
  }

  @Test
  void wrongKeySkipsThatKeyLoadsTheOthersAndNeverOverwritesIt() throws IOException {
    KeyProvider keys = KeyProvider.of(Map.of("k1", ChecksummedFileTest.key(1)),
        key -> key.equals("store") ? "k1" : null);
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).keys(keys).build()) {
      persister.save();
    }
    byte[] encrypted = Files.readAllBytes(dir.resolve("key-store.slc"));
    KeyProvider wrong = KeyProvider.of(Map.of("k1", ChecksummedFileTest.key(2)),
        key -> key.equals("store") ? "k1" : null);
    Store reloaded = fresh("b");
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (FilePersister persister = FilePersister.builder(reloaded, dir).keys(wrong)
        .throttle(Duration.ofHours(1)).build()) {
      persister.addErrorListener(errors::add);
      FilePersister.LoadResult result = persister.loadAsync().join();
      assertThat(result.skipped()).singleElement().isInstanceOf(WrongKeyException.class);
      assertThat(reloaded.getValues()).isEqualTo(store.getValues()); // other keys loaded
      assertThat(reloaded.getTables()).isEmpty();
      persister.startAutoSave();
      reloaded.setCell("pets", "rex", "species", "dog");
      assertThatThrownBy(persister::flush).isInstanceOf(PersistFileException.class)
          .hasMessageContaining("could not be decrypted");
      assertThat(errors).isNotEmpty();
      assertThatThrownBy(persister::stop).isInstanceOf(PersistFileException.class);
    } catch (PersistFileException expected) {
      // close() reports that the final save could not write the key
    }
    assertThat(Files.readAllBytes(dir.resolve("key-store.slc"))).isEqualTo(encrypted);
  }

  /** Puts table "users" (and below) into key file "users", the rest into the default key. */
  private static final PersistenceKeyResolver USERS_APART =
      PersistenceKeyResolver.builder().key("users", "users").build();

  /** A store with {@link #fill}'s data, saved to {@code dir} with {@link #USERS_APART}. */
  private Store savedWithUsersApart() {
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(USERS_APART).build()) {
      persister.save();
    }
    return store;
  }

  @Test
  void damagedKeyFileIsSkippedSetAsideAndTheOthersLoad() throws IOException {
    PersistenceKeyResolver resolver = USERS_APART;
    Store store = savedWithUsersApart();
    Path damaged = dir.resolve("key-users.slc");
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 2] ^= 0x04;
    Files.write(damaged, bytes);
    Store reloaded = fresh("b");
    FilePersister.LoadResult result = loadInto(reloaded, dir, resolver, null);
    assertThat(result.skipped()).singleElement().isInstanceOfSatisfying(
        CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(damaged));
    assertThat(reloaded.getTable("pets")).isEqualTo(store.getTable("pets"));
    assertThat(reloaded.getValues()).isEqualTo(store.getValues());
    assertThat(reloaded.hasTable("users/1/friends")).isFalse();
    assertThat(reloaded.versionVector().isEmpty())
        .as("a store missing a file must not claim its version").isTrue();
    assertThat(fileNames()).contains("key-users.slc.corrupt").doesNotContain("key-users.slc");
  }

  @Test
  void truncatedZeroLengthAndTooNewFilesAreEachReported() throws IOException {
    PersistenceKeyResolver resolver = PersistenceKeyResolver.builder().key("pets", "pets")
        .key("users", "users").build();
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(resolver).build()) {
      persister.save();
    }
    byte[] pets = Files.readAllBytes(dir.resolve("key-pets.slc"));
    Files.write(dir.resolve("key-pets.slc"), java.util.Arrays.copyOf(pets, pets.length - 7));
    Files.write(dir.resolve("key-users.slc"), new byte[0]);
    ChecksummedFile.write(FileSystem.SYSTEM, dir.resolve("key-values.slc"),
        PersisterFormat.KEY_FORMAT, 2, new byte[10]);
    Store reloaded = fresh("b");
    FilePersister.LoadResult result = loadInto(reloaded, dir, resolver, null);
    List<CorruptFileException.Reason> reasons = new ArrayList<>();
    result.skipped().forEach(e -> reasons.add(((CorruptFileException) e).reason()));
    assertThat(reasons).containsExactlyInAnyOrder(CorruptFileException.Reason.TRUNCATED,
        CorruptFileException.Reason.ZERO_LENGTH, CorruptFileException.Reason.UNSUPPORTED_VERSION);
    assertThat(reloaded.getTables()).isEmpty();
  }

  @Test
  void autoLoadPicksUpChangesAnotherPersisterWrote() throws Exception {
    Store writer = fresh("alice");
    Store reader = fresh("bob");
    try (FilePersister saving = FilePersister.builder(writer, dir)
            .throttle(Duration.ofMillis(10)).build();
        FilePersister loading = FilePersister.builder(reader, dir)
            .autoLoadInterval(Duration.ofMillis(20)).build()) {
      saving.startAutoSave();
      loading.startAutoLoad();
      writer.setCell("pets", "fido", "species", "dog");
      writer.setValue("open", true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!writer.getTables().equals(reader.getTables())
          || !writer.getValues().equals(reader.getValues())) {
        assertThat(System.nanoTime()).as("auto-load within 10 s").isLessThan(deadline);
        Thread.sleep(10);
      }
      assertThat(state(reader)).isEqualTo(state(writer));
    }
  }

  /** Counts the key files opened for reading through it. */
  static final class CountingFileSystem implements FileSystem {
    final java.util.concurrent.atomic.AtomicInteger keyFileOpens =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public Handle open(Path file, boolean create) throws IOException {
      if (!create && PersisterFormat.isKeyFile(file)) {
        keyFileOpens.incrementAndGet();
      }
      return FileSystem.SYSTEM.open(file, create);
    }

    @Override
    public boolean exists(Path file) {
      return FileSystem.SYSTEM.exists(file);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
      return FileSystem.SYSTEM.list(directory);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
      FileSystem.SYSTEM.createDirectories(directory);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
      FileSystem.SYSTEM.atomicMove(source, target);
    }

    @Override
    public void delete(Path file) throws IOException {
      FileSystem.SYSTEM.delete(file);
    }

    @Override
    public java.io.Closeable tryLock(Path file) throws IOException {
      return FileSystem.SYSTEM.tryLock(file);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      FileSystem.SYSTEM.syncDirectory(directory);
    }
  }

  @Test
  void autoLoadReadsOnlyTheKeyFilesThatChanged() throws Exception {
    PersistenceKeyResolver byTable = PersistenceKeyResolver.builder()
        .key("", (table, row, content) -> table).build();
    Store writer = fresh("alice");
    for (int t = 0; t < 10; t++) {
      writer.setCell("t" + t, "r", "c", t);
    }
    Store reader = fresh("bob");
    CountingFileSystem counting = new CountingFileSystem();
    try (FilePersister saving = FilePersister.builder(writer, dir).resolver(byTable)
            .throttle(Duration.ofHours(1)).build();
        FilePersister loading = FilePersister.builder(reader, dir).resolver(byTable)
            .fileSystem(counting).autoLoadInterval(Duration.ofMillis(10)).build()) {
      saving.startAutoSave();
      loading.startAutoLoad();
      assertThat(reader.getTables()).isEqualTo(writer.getTables());
      int opensAfterFirstLoad = counting.keyFileOpens.get();
      assertThat(opensAfterFirstLoad).isEqualTo(10);
      writer.setCell("t3", "r", "c", "changed");
      saving.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!"changed".equals(reader.getCell("t3", "r", "c"))) {
        assertThat(System.nanoTime()).as("auto-load within 10 s").isLessThan(deadline);
        Thread.sleep(5);
      }
      Thread.sleep(50);
      assertThat(counting.keyFileOpens.get() - opensAfterFirstLoad).isEqualTo(1);
      assertThat(state(reader)).isEqualTo(state(writer));
    }
  }

  @Test
  void autoSaveAndAutoLoadTogetherDoNotPingPong() throws Exception {
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir)
        .throttle(Duration.ofMillis(5)).autoLoadInterval(Duration.ofMillis(10)).build()) {
      persister.startAutoLoad();
      persister.startAutoSave();
      Thread.sleep(200);
      long batches = persister.batchesWritten();
      Thread.sleep(200);
      assertThat(persister.batchesWritten()).isEqualTo(batches);
    }
  }

  @Test
  void closeWritesWhatTheWindowHolds() {
    Store store = fresh("alice");
    try (FilePersister persister = FilePersister.builder(store, dir)
        .throttle(Duration.ofHours(1)).build()) {
      persister.startAutoSave();
      store.setCell("pets", "fido", "species", "dog");
    }
    Store reloaded = fresh("b");
    loadInto(reloaded, dir);
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
  }

  @Test
  void statusListenersSeeLoadingAndSaving() {
    Store store = fresh("alice");
    fill(store);
    List<Persister.Status> seen = new CopyOnWriteArrayList<>();
    try (FilePersister persister = FilePersister.builder(store, dir).build()) {
      persister.addStatusListener(seen::add);
      persister.save();
      persister.loadAsync().join();
      assertThat(persister.status()).isEqualTo(Persister.Status.IDLE);
    }
    assertThat(seen).containsExactly(Persister.Status.SAVING, Persister.Status.IDLE,
        Persister.Status.LOADING, Persister.Status.IDLE, Persister.Status.CLOSED);
  }

  @Test
  void verifyReportsDamagedFilesWithoutLoadingThem() throws IOException {
    PersistenceKeyResolver resolver = PersistenceKeyResolver.builder().key("users", "users")
        .build();
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(resolver).build()) {
      persister.save();
      assertThat(persister.verify()).isEmpty();
      Path damaged = dir.resolve("key-users.slc");
      byte[] bytes = Files.readAllBytes(damaged);
      bytes[3] ^= 1;
      Files.write(damaged, bytes);
      assertThat(persister.verify()).singleElement()
          .isInstanceOfSatisfying(CorruptFileException.class,
              e -> assertThat(e.reason()).isEqualTo(CorruptFileException.Reason.WRONG_MAGIC));
    }
    assertThat(Files.exists(dir.resolve("key-users.slc"))).as("verify changes nothing").isTrue();
  }

  @Test
  void aKeyFileWithAValidChecksumButAMalformedDeltaIsReportedAndSkipped() throws IOException {
    PersistenceKeyResolver resolver = USERS_APART;
    Store store = savedWithUsersApart();
    // a well-formed file and delta envelope whose change block claims 2^31 writers
    io.syncline.core.internal.ByteWriter w = io.syncline.core.internal.Envelope.begin('D', 16);
    w.writeString("alice");
    w.writeVarint(0);
    w.writeVarint(Integer.MAX_VALUE);
    byte[] malformed = io.syncline.core.internal.Envelope.finish(w);
    Path users = dir.resolve("key-users.slc");
    ChecksummedFile.write(FileSystem.SYSTEM, users, PersisterFormat.KEY_FORMAT, PersisterFormat.VERSION,
        PersisterFormat.encodeKeyFile("users", io.syncline.core.Delta.decode(malformed)));

    try (FilePersister persister = FilePersister.builder(fresh("x"), dir).resolver(resolver).build()) {
      assertThat(persister.verify()).singleElement()
          .isInstanceOfSatisfying(CorruptFileException.class, e -> {
            assertThat(e.reason()).isEqualTo(CorruptFileException.Reason.MALFORMED);
            assertThat(e.getMessage()).contains("key-users.slc").contains("count");
          });
    }
    Store reloaded = fresh("b");
    FilePersister.LoadResult result = loadInto(reloaded, dir, resolver, null);
    assertThat(result.skipped()).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("key-users.slc"));
    assertThat(reloaded.getTable("pets")).isEqualTo(store.getTable("pets"));
    assertThat(reloaded.tableIds()).doesNotContain("users/1/friends");
  }

  @Test
  void aKeyFileFromANewerBuildIsReportedKeptInPlaceAndNeverOverwritten() throws IOException {
    PersistenceKeyResolver resolver = USERS_APART;
    Store store = savedWithUsersApart();
    // the users file as a build with a newer core format would write it: intact, but unreadable here
    byte[] delta = fresh("w").fullState().encode().clone();
    delta[1] = (byte) (io.syncline.core.internal.Envelope.VERSION + 1);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(delta, 0, delta.length - 4);
    java.nio.ByteBuffer.wrap(delta, delta.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt((int) crc.getValue());
    byte[] key = "users".getBytes(StandardCharsets.UTF_8);
    Path users = dir.resolve("key-users.slc");
    ChecksummedFile.write(FileSystem.SYSTEM, users, PersisterFormat.KEY_FORMAT, PersisterFormat.VERSION,
        java.nio.ByteBuffer.allocate(2 + key.length + delta.length).putShort((short) key.length).put(key)
            .put(delta).array());
    byte[] before = Files.readAllBytes(users);
    String newer = "core format version " + (io.syncline.core.internal.Envelope.VERSION + 1);

    try (FilePersister persister = FilePersister.builder(fresh("x"), dir).resolver(resolver).build()) {
      assertThat(persister.verify()).singleElement()
          .isInstanceOfSatisfying(CorruptFileException.class, e -> {
            assertThat(e.reason()).isEqualTo(CorruptFileException.Reason.UNSUPPORTED_VERSION);
            assertThat(e.getMessage()).contains("key-users.slc").contains(newer);
          });
    }
    Store reloaded = fresh("b");
    try (FilePersister persister = FilePersister.builder(reloaded, dir).resolver(resolver)
        .throttle(Duration.ofHours(1)).build()) {
      FilePersister.LoadResult result = persister.loadAsync().join();
      assertThat(result.skipped()).singleElement().isInstanceOfSatisfying(CorruptFileException.class,
          e -> assertThat(e.reason()).isEqualTo(CorruptFileException.Reason.UNSUPPORTED_VERSION));
      assertThat(reloaded.getTable("pets")).isEqualTo(store.getTable("pets"));
      reloaded.setCell("users/1/friends", "bob", "name", "Bob");
      assertThatThrownBy(persister::save).isInstanceOf(PersistFileException.class)
          .hasMessageContaining("key-users.slc").hasMessageContaining("cannot read");
    } catch (PersistFileException expected) {
      // close() reports that the final save could not write the key
    }
    assertThat(Files.readAllBytes(users)).as("the newer file is untouched").isEqualTo(before);
    assertThat(fileNames()).noneMatch(name -> name.endsWith(".corrupt"));
  }

  @Test
  void valuesAndRowsCanShareOneKeyFileWithJsonAndUnicode() throws IOException {
    PersistenceKeyResolver resolver = PersistenceKeyResolver.builder().valuesKey("store").build();
    Store store = fresh("alice");
    fill(store);
    store.setCell("docs", "d\u00e9", "body", Map.of("tags", List.of("a", "b"), "n", 2L,
        "nested", Map.of("ok", true)));
    store.setValue("settings", List.of(1L, 2.5, "three"));
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(resolver).build()) {
      persister.save();
    }
    assertThat(fileNames()).containsExactly(PersisterFormat.INDEX_FILE, "key-store.slc");
    Store reloaded = fresh("b");
    assertThat(loadInto(reloaded, dir, resolver, null).skipped()).isEmpty();
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
    assertThat(reloaded.getValues()).isEqualTo(store.getValues());
    assertThat(state(reloaded)).isEqualTo(state(store));
  }

  @Test
  void largeStoreRoundTrips() {
    Store store = fresh("alice");
    store.transaction(tx -> {
      for (int r = 0; r < 5_000; r++) {
        for (int c = 0; c < 10; c++) {
          tx.setCell("t" + (r % 7), "r" + r, "c" + c, c % 2 == 0 ? "v" + r : (Object) (long) r);
        }
      }
    });
    PersistenceKeyResolver byTable = PersistenceKeyResolver.builder()
        .key("", (table, row, content) -> table).build();
    try (FilePersister persister = FilePersister.builder(store, dir).resolver(byTable).build()) {
      persister.save();
    }
    Store reloaded = fresh("b");
    FilePersister.LoadResult result = loadInto(reloaded, dir, byTable, null);
    assertThat(result.filesLoaded()).isEqualTo(7);
    assertThat(result.changesLoaded()).isEqualTo(50_000);
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
  }

  @Test
  void keyFilesLoadWithoutTheIndexButTheVersionIsNotClaimed() throws IOException {
    Store store = fresh("alice");
    fill(store);
    try (FilePersister persister = FilePersister.builder(store, dir).build()) {
      persister.save();
    }
    Files.delete(dir.resolve(PersisterFormat.INDEX_FILE)); // as if a crash came before it
    Store reloaded = fresh("b");
    FilePersister.LoadResult result = loadInto(reloaded, dir);
    assertThat(result.skipped()).isEmpty();
    assertThat(reloaded.getTables()).isEqualTo(store.getTables());
    assertThat(reloaded.versionVector().isEmpty()).isTrue();
  }

  @Test
  void closedPersisterRefusesWork() {
    FilePersister persister = FilePersister.builder(fresh("a"), dir).build();
    persister.close();
    assertThatThrownBy(persister::save).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}

package io.syncline.persist.file;

import io.syncline.core.Change;
import io.syncline.core.ChangeLog;
import io.syncline.core.Changeset;
import io.syncline.core.Delta;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.VersionVector;
import io.syncline.persist.file.internal.PersisterFormat;
import io.syncline.persist.file.internal.PersisterFormat.Index;
import io.syncline.persist.file.internal.PersisterFormat.IndexEntry;
import io.syncline.persist.file.internal.PersisterFormat.KeyFile;
import io.syncline.persist.file.internal.StoreMirror;
import io.syncline.persist.file.internal.StoreMirror.RowRef;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Persists one {@link Store} as a directory of files, one file per persistence key plus an index
 * (DESIGN section 7; file layout in {@link PersisterFormat}).
 *
 * <h2>What is stored</h2>
 *
 * Every cell, tombstone and value with its stamp, encoded as a core {@link Delta} per key file,
 * so a reloaded store merges and syncs exactly like the one that was saved. The index, written
 * last in each batch, records the store's version vector as of the batch; loading applies it
 * only after every key file loaded cleanly, so a store never claims data it does not hold.
 *
 * <h2>Auto-save</h2>
 *
 * {@link #startAutoSave()} attaches a change-log tailer. The first change after a quiet period
 * opens a throttle window; when it closes, the worker drains the tailer, merges the changes into
 * its mirror of what is on disk, and rewrites only the files of the keys whose rows or values
 * changed in the window. Keys of the whole batch are resolved before any file is written; a row
 * whose builder key changed is written to its new file and removed from its old one; every key
 * file is written at most once per batch. A failed batch is retried in the next window with
 * nothing lost: the dirty set is cleared only after the index is written.
 *
 * <h2>Threads</h2>
 *
 * All file I/O and all of the persister's state live on one worker thread ({@code
 * syncline-file-persister}); public methods only enqueue work on it and return a future, so the
 * writing thread never waits for the disk unless it waits on that future. The change-log
 * callback, run on the store's writing thread, only schedules a batch. Loading applies deltas to
 * the store from the worker thread, so store listeners see loaded changes there, as {@code
 * REMOTE}. Error listeners are called on the worker thread.
 *
 * <h2>Damaged files</h2>
 *
 * A key file that is truncated, bit-flipped, empty, of an unknown version or undecryptable is
 * skipped and reported in the {@link LoadResult}, the log and the error listeners; the other keys
 * load. A corrupt file is renamed to {@code *.corrupt} so a later save does not overwrite the
 * evidence; a file that fails decryption is kept and its key is not written again until a load
 * with the right key succeeds, so a wrong key never destroys data.
 */
public final class FilePersister implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FilePersister.class.getName());

  /**
   * The outcome of a load.
   *
   * @param filesLoaded key files read and applied
   * @param changesLoaded cells, tombstones and values those files held
   * @param skipped the files that could not be read, each as a typed exception naming the file
   */
  public record LoadResult(int filesLoaded, int changesLoaded, List<PersistFileException> skipped) {}

  private final Store store;
  private final Path directory;
  private final FileSystem fs;
  private final Duration throttle;
  private final Duration autoLoadInterval;
  private final PersistenceKeyResolver resolver;
  private final KeyProvider keys;
  private final ScheduledExecutorService worker;
  private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean batchScheduled = new AtomicBoolean();
  private final AtomicLong batchesWritten = new AtomicLong();
  private final AtomicLong filesWritten = new AtomicLong();
  private volatile boolean closed;

  // Worker-thread state.
  private final StoreMirror mirror = new StoreMirror();
  private final Map<RowRef, String> rowKeys = new HashMap<>();
  private final Map<String, Set<RowRef>> keyRows = new HashMap<>();
  private final Set<RowRef> dirtyRows = new LinkedHashSet<>();
  private final Set<String> dirtyKeys = new LinkedHashSet<>();
  private final Set<String> unreadableKeys = new HashSet<>();
  private boolean valuesDirty;
  private boolean indexDirty;
  private VersionVector version = VersionVector.EMPTY;
  private ChangeLog.Tailer tailer;
  private ScheduledFuture<?> autoLoadTask;
  private byte[] lastIndexBytes;

  private FilePersister(Builder b) {
    this.store = b.store;
    this.directory = b.directory;
    this.fs = b.fs;
    this.throttle = b.throttle;
    this.autoLoadInterval = b.autoLoadInterval;
    this.resolver = b.resolver;
    this.keys = b.keys;
    this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "syncline-file-persister " + directory);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts configuring a persister of {@code store} into {@code directory}. */
  public static Builder builder(Store store, Path directory) {
    return new Builder(store, directory);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: every method enqueues work on the worker.

  /**
   * Reads every key file and merges it into the store. Damaged files are skipped and listed in
   * the result, never applied.
   */
  public CompletableFuture<LoadResult> load() {
    return submit(this::doLoad);
  }

  /** Writes the whole store (every key file and the index). */
  public CompletableFuture<Void> save() {
    return submit(() -> {
      captureFullState(false);
      markEverythingDirty();
      persistDirty();
      return null;
    });
  }

  /**
   * Starts saving changes once per throttle window. The returned future completes when the
   * changes the store held before the call (those not already on disk) are written.
   */
  public CompletableFuture<Void> startAutoSave() {
    return submit(() -> {
      if (tailer == null) {
        captureFullState(true);
        tailer.onAppend(this::scheduleBatch);
        persistDirty();
      }
      return null;
    });
  }

  /**
   * Loads now, then checks the index every {@code autoLoadInterval} and loads again when another
   * process (or persister) changed the directory.
   */
  public CompletableFuture<LoadResult> startAutoLoad() {
    return submit(() -> {
      LoadResult result = doLoad();
      if (autoLoadTask == null) {
        long millis = autoLoadInterval.toMillis();
        autoLoadTask = worker.scheduleWithFixedDelay(this::checkForChanges, millis, millis,
            TimeUnit.MILLISECONDS);
      }
      return result;
    });
  }

  /** Writes what the current throttle window holds now, without waiting for it to close. */
  public CompletableFuture<Void> flush() {
    return submit(() -> {
      drainTailer();
      persistDirty();
      return null;
    });
  }

  /** Stops auto-save (after writing what it holds) and auto-load. */
  public CompletableFuture<Void> stop() {
    return submit(() -> {
      if (autoLoadTask != null) {
        autoLoadTask.cancel(false);
        autoLoadTask = null;
      }
      if (tailer != null) {
        drainTailer();
        tailer.close();
        tailer = null;
        persistDirty();
      }
      return null;
    });
  }

  /** Registers a listener called on the worker thread with every background failure. */
  public Subscription addErrorListener(Consumer<Throwable> listener) {
    Objects.requireNonNull(listener, "listener");
    errorListeners.add(listener);
    return () -> errorListeners.remove(listener);
  }

  /** The number of batches written (each a set of key files plus the index). */
  public long batchesWritten() {
    return batchesWritten.get();
  }

  /** The number of key files written. */
  public long filesWritten() {
    return filesWritten.get();
  }

  /** The directory this persister uses. */
  public Path directory() {
    return directory;
  }

  /**
   * Stops auto-save and auto-load, writing what auto-save holds, and ends the worker thread.
   * Waits at most 30 seconds.
   *
   * @throws PersistFileException if the final write failed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      stop().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new PersistFileException("The final save to " + directory + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      throw new PersistFileException("The final save to " + directory + " took over 30 s", e);
    } finally {
      closed = true;
      worker.shutdown();
    }
  }

  private <T> CompletableFuture<T> submit(Callable<T> task) {
    if (closed) {
      throw new IllegalStateException("The file persister of " + directory + " is closed");
    }
    CompletableFuture<T> future = new CompletableFuture<>();
    worker.execute(() -> {
      try {
        future.complete(task.call());
      } catch (Throwable t) {
        report(t);
        future.completeExceptionally(t);
      }
    });
    return future;
  }

  private void report(Throwable t) {
    LOG.log(System.Logger.Level.WARNING, "File persister of " + directory + " failed", t);
    for (Consumer<Throwable> listener : errorListeners) {
      try {
        listener.accept(t);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "An error listener failed", e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Auto-save

  /** Runs on the store's writing thread: must only schedule. */
  private void scheduleBatch() {
    if (!closed && batchScheduled.compareAndSet(false, true)) {
      try {
        worker.schedule(this::runBatch, throttle.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        batchScheduled.set(false); // shutting down: close() writes what is left
      }
    }
  }

  private void runBatch() {
    batchScheduled.set(false);
    if (tailer == null) {
      return;
    }
    try {
      drainTailer();
      persistDirty();
    } catch (Throwable t) {
      report(t);
      scheduleBatch(); // retry in the next window; the dirty set is intact
    }
  }

  /** Moves every unread changeset into the mirror, with the version vector matching them. */
  private void drainTailer() {
    if (tailer == null) {
      return;
    }
    List<Changeset> polled = new ArrayList<>();
    VersionVector[] vv = new VersionVector[1];
    // The store commits and appends to its change log under its lock, which an (empty)
    // transaction holds: the poll and the version vector describe the same instant.
    store.transaction(tx -> {
      List<Changeset> batch;
      while (!(batch = tailer.poll(4096)).isEmpty()) {
        polled.addAll(batch);
      }
      vv[0] = store.versionVector();
    });
    for (Changeset changeset : polled) {
      mergeAll(changeset.changes());
    }
    if (!vv[0].equals(version)) {
      version = version.merge(vv[0]);
      indexDirty = true;
    }
  }

  /** Takes the whole store (and, if asked, attaches the tailer at the same instant). */
  private void captureFullState(boolean attachTailer) {
    Delta[] state = new Delta[1];
    store.transaction(tx -> {
      if (attachTailer) {
        tailer = store.changeLog().tailer("file-persister " + directory);
      }
      state[0] = store.fullState();
    });
    mergeAll(state[0].changes());
    if (!state[0].version().equals(version)) {
      version = version.merge(state[0].version());
      indexDirty = true;
    }
  }

  private void mergeAll(List<Change> changes) {
    for (Change change : changes) {
      Object changed = mirror.merge(change);
      if (changed == StoreMirror.VALUES) {
        valuesDirty = true;
      } else if (changed != null) {
        dirtyRows.add((RowRef) changed);
      }
    }
  }

  private void markEverythingDirty() {
    dirtyRows.addAll(mirror.rowRefs());
    dirtyKeys.addAll(keyRows.keySet());
    valuesDirty = true;
    indexDirty = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing a batch

  private void persistDirty() throws IOException {
    if (dirtyRows.isEmpty() && dirtyKeys.isEmpty() && !valuesDirty && !indexDirty) {
      return;
    }
    fs.createDirectories(directory);
    // 1. Resolve the key of every row of the batch before writing anything.
    Map<RowRef, String> assigned = new LinkedHashMap<>();
    Set<String> touched = new LinkedHashSet<>(dirtyKeys); // de-duplicated
    for (RowRef row : dirtyRows) {
      String old = rowKeys.get(row);
      Map<String, Object> live = mirror.liveRow(row);
      String key = live.isEmpty() && old != null ? old : resolver.keyFor(row.table(), row.row(),
          live);
      assigned.put(row, key);
      touched.add(key);
      if (old != null) {
        touched.add(old);
      }
    }
    if (valuesDirty) {
      touched.add(resolver.valuesKey());
    }
    for (String key : touched) {
      if (unreadableKeys.contains(key)) {
        throw new PersistFileException("Not writing " + directory.resolve(
            PersisterFormat.fileName(key)) + " (key '" + key + "'): its current file could not be "
            + "decrypted, and rewriting it would drop the rows it holds. Load it with the right "
            + "key first.");
      }
    }
    // 2. The rows of every touched key once the batch is applied.
    Map<String, Set<RowRef>> rowsAfter = new LinkedHashMap<>();
    for (String key : touched) {
      rowsAfter.put(key, new LinkedHashSet<>(keyRows.getOrDefault(key, Set.of())));
    }
    assigned.forEach((row, key) -> {
      String old = rowKeys.get(row);
      if (old != null && !old.equals(key)) {
        rowsAfter.get(old).remove(row);
      }
      rowsAfter.get(key).add(row);
    });
    // 3. Write the keys that hold something, then the index, then delete the emptied ones.
    List<String> emptied = new ArrayList<>();
    for (Map.Entry<String, Set<RowRef>> entry : rowsAfter.entrySet()) {
      String key = entry.getKey();
      boolean withValues = key.equals(resolver.valuesKey()) && !mirror.values().isEmpty();
      if (entry.getValue().isEmpty() && !withValues) {
        emptied.add(key);
        continue;
      }
      writeKeyFile(key, mirror.changesOf(entry.getValue(), withValues));
    }
    rowKeys.putAll(assigned);
    rowsAfter.forEach((key, rows) -> {
      if (rows.isEmpty()) {
        keyRows.remove(key);
      } else {
        keyRows.put(key, rows);
      }
    });
    writeIndex();
    for (String key : emptied) {
      fs.delete(directory.resolve(PersisterFormat.fileName(key)));
    }
    if (!emptied.isEmpty()) {
      fs.syncDirectory(directory);
    }
    dirtyRows.clear();
    dirtyKeys.clear();
    valuesDirty = false;
    indexDirty = false;
    batchesWritten.incrementAndGet();
  }

  private void writeKeyFile(String key, List<Change> changes) throws IOException {
    Delta delta = Delta.of(store.replicaId(), VersionVector.EMPTY, changes);
    String keyId = keys == null ? null : keys.keyIdFor(key);
    ChecksummedFile.write(fs, directory.resolve(PersisterFormat.fileName(key)),
        PersisterFormat.KEY_FORMAT, PersisterFormat.VERSION,
        PersisterFormat.encodeKeyFile(key, delta), keyId, keys);
    filesWritten.incrementAndGet();
  }

  private void writeIndex() throws IOException {
    List<IndexEntry> entries = new ArrayList<>();
    Set<String> allKeys = new TreeSet<>(keyRows.keySet());
    if (!mirror.values().isEmpty()) {
      allKeys.add(resolver.valuesKey());
    }
    for (String key : allKeys) {
      Set<String> tables = new TreeSet<>();
      for (RowRef row : keyRows.getOrDefault(key, Set.of())) {
        tables.add(row.table());
      }
      entries.add(new IndexEntry(key, PersisterFormat.fileName(key), List.copyOf(tables)));
    }
    byte[] body = PersisterFormat.encodeIndex(new Index(version, entries));
    Path file = directory.resolve(PersisterFormat.INDEX_FILE);
    String keyId = keys == null ? null : keys.keyIdFor(KeyProvider.INDEX_KEY);
    ChecksummedFile.write(fs, file, PersisterFormat.INDEX_FORMAT, PersisterFormat.VERSION, body,
        keyId, keys);
    lastIndexBytes = fs.readAll(file);
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  private LoadResult doLoad() throws IOException {
    List<PersistFileException> skipped = new ArrayList<>();
    Path indexFile = directory.resolve(PersisterFormat.INDEX_FILE);
    Index index = null;
    byte[] indexBytes = null;
    try {
      indexBytes = fs.readAll(indexFile);
      index = PersisterFormat.decodeIndex(indexFile, ChecksummedFile.read(fs, indexFile,
          PersisterFormat.INDEX_FORMAT, PersisterFormat.VERSION, PersisterFormat.VERSION, keys)
          .body());
    } catch (NoSuchFileException e) {
      // A fresh directory, or a crash before the first index: the key files still load.
    } catch (CorruptFileException | WrongKeyException e) {
      skip(e, skipped);
    }
    int files = 0;
    int changes = 0;
    Map<RowRef, Set<String>> foundIn = new HashMap<>();
    for (Path file : fs.list(directory)) {
      if (!PersisterFormat.isKeyFile(file)) {
        continue;
      }
      KeyFile keyFile = readKeyFile(file, skipped);
      if (keyFile == null) {
        continue;
      }
      try {
        store.applyDelta(keyFile.delta());
      } catch (RuntimeException e) {
        skip(new PersistFileException("The store refused the contents of " + file + ": "
            + e.getMessage(), e), skipped);
        continue;
      }
      List<Change> held = keyFile.delta().changes();
      for (Change change : held) {
        mirror.merge(change);
        if (change instanceof io.syncline.core.CellChange cell) {
          foundIn.computeIfAbsent(new RowRef(cell.table(), cell.row()), r -> new TreeSet<>())
              .add(keyFile.key());
        }
      }
      unreadableKeys.remove(keyFile.key());
      files++;
      changes += held.size();
    }
    assignLoadedRows(foundIn);
    if (index != null && skipped.isEmpty()) {
      store.applyDelta(Delta.of(store.replicaId(), index.version(), List.of()));
      version = version.merge(index.version());
    }
    lastIndexBytes = indexBytes;
    return new LoadResult(files, changes, List.copyOf(skipped));
  }

  private KeyFile readKeyFile(Path file, List<PersistFileException> skipped) throws IOException {
    try {
      byte[] body = ChecksummedFile.read(fs, file, PersisterFormat.KEY_FORMAT,
          PersisterFormat.VERSION, PersisterFormat.VERSION, keys).body();
      KeyFile keyFile = PersisterFormat.decodeKeyFile(file, body);
      if (!PersisterFormat.fileName(keyFile.key()).equals(file.getFileName().toString())) {
        throw new CorruptFileException(file, -1, CorruptFileException.Reason.MALFORMED,
            "it holds key '" + keyFile.key() + "', which belongs in "
                + PersisterFormat.fileName(keyFile.key()) + ".");
      }
      return keyFile;
    } catch (NoSuchFileException e) {
      return null; // removed by a concurrent save after its rows moved: not an error
    } catch (WrongKeyException e) {
      unreadableKeys.add(keyOfFileName(file));
      skip(e, skipped);
      return null;
    } catch (CorruptFileException e) {
      skip(e, skipped);
      quarantine(file);
      return null;
    }
  }

  /** Rows found in several files (a crash during a move) go to the key the resolver picks. */
  private void assignLoadedRows(Map<RowRef, Set<String>> foundIn) {
    foundIn.forEach((row, found) -> {
      String key = found.iterator().next();
      if (found.size() > 1) {
        String resolved = resolver.keyFor(row.table(), row.row(), mirror.liveRow(row));
        key = found.contains(resolved) ? resolved : key;
        for (String other : found) {
          if (!other.equals(key)) {
            dirtyKeys.add(other); // rewritten without the row at the next save
          }
        }
      }
      String old = rowKeys.put(row, key);
      if (old != null && !old.equals(key)) {
        Set<RowRef> rows = keyRows.get(old);
        if (rows != null) {
          rows.remove(row);
        }
      }
      keyRows.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(row);
    });
  }

  private String keyOfFileName(Path file) {
    for (String key : keyRows.keySet()) {
      if (PersisterFormat.fileName(key).equals(file.getFileName().toString())) {
        return key;
      }
    }
    String name = file.getFileName().toString();
    String encoded = name.substring(PersisterFormat.KEY_PREFIX.length(),
        name.length() - PersisterFormat.SUFFIX.length());
    return java.net.URLDecoder.decode(encoded.replace("+", "%2B"),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private void skip(PersistFileException e, List<PersistFileException> skipped) {
    skipped.add(e);
    report(e);
  }

  private void quarantine(Path file) {
    try {
      fs.atomicMove(file, file.resolveSibling(file.getFileName() + ".corrupt"));
      fs.syncDirectory(directory);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "Could not set aside the corrupt file " + file, e);
    }
  }

  /** Auto-load: reloads when the index changed since this persister last read or wrote it. */
  private void checkForChanges() {
    try {
      byte[] now;
      try {
        now = fs.readAll(directory.resolve(PersisterFormat.INDEX_FILE));
      } catch (NoSuchFileException e) {
        return;
      }
      if (!Arrays.equals(now, lastIndexBytes)) {
        doLoad();
      }
    } catch (Throwable t) {
      report(t);
    }
  }

  /** Settings of a {@link FilePersister}. */
  public static final class Builder {
    private final Store store;
    private final Path directory;
    private FileSystem fs = FileSystem.SYSTEM;
    private Duration throttle = Duration.ofMillis(50);
    private Duration autoLoadInterval = Duration.ofSeconds(1);
    private PersistenceKeyResolver resolver = PersistenceKeyResolver.single();
    private KeyProvider keys;

    private Builder(Store store, Path directory) {
      this.store = Objects.requireNonNull(store, "store");
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** How long auto-save collects changes before writing them; 50 ms by default. */
    public Builder throttle(Duration throttle) {
      if (throttle.isNegative()) {
        throw new IllegalArgumentException("throttle must not be negative: " + throttle);
      }
      this.throttle = throttle;
      return this;
    }

    /** How often auto-load checks the index for changes; 1 s by default. */
    public Builder autoLoadInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("autoLoadInterval must be positive: " + interval);
      }
      this.autoLoadInterval = interval;
      return this;
    }

    /** Maps rows and values to persistence keys; one key ("store", values in "values") by default. */
    public Builder resolver(PersistenceKeyResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Encrypts the keys for which {@link KeyProvider#keyIdFor} returns an id; none by default. */
    public Builder keys(KeyProvider keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** The file system; {@link FileSystem#SYSTEM} by default (tests inject faults here). */
    public Builder fileSystem(FileSystem fileSystem) {
      this.fs = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    public FilePersister build() {
      return new FilePersister(this);
    }
  }
}

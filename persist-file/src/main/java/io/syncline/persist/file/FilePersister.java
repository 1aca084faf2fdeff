// FilePersister is one unit of ~1000 lines: the worker-confined state (mirror, key assignments,
// dirty sets, journal mark) is shared by loading, batching and writing, and splitting it would
// expose that state across classes; the codecs and the batch plan live in the internal package.
package io.syncline.persist.file;

import io.syncline.core.Change;
import io.syncline.core.Changeset;
import io.syncline.core.Delta;
import io.syncline.core.Persister;
import io.syncline.core.PersisterListeners;
import io.syncline.core.Durability;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.ThrottleWindow;
import io.syncline.core.VersionVector;
import io.syncline.persist.file.internal.ChecksummedFileReader;
import io.syncline.persist.file.internal.KeyAssignments;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@link #startAutoSave()} listens to commits, which drive a {@link ThrottleWindow}:
 * {@code throttle} after the last commit of a burst (or {@code maxDelay} after its first, if the
 * writes go on), the worker takes {@code store.deltaSince} the vector its mirror of the disk
 * holds (exactly the newest state of every cell and value changed since, with no copy kept while
 * they wait, so recording them costs the writing thread nothing), merges it into the mirror, and
 * rewrites only the files of the keys whose rows or values changed. Keys of the whole batch are resolved before any file is written; a row
 * whose builder key changed is written to its new file and removed from its old one; every key
 * file is written at most once per batch. A failed batch is retried in the next window with
 * nothing lost: the dirty set is cleared only after the index is written.
 *
 * <h2>Threads</h2>
 *
 * All file I/O and all of the persister's state live on one worker thread ({@code
 * syncline-file-persister}); the {@link Persister} methods enqueue their work on it and wait for
 * it, the {@code ...Async} variants return a future at once, and nothing else (in particular not
 * a store write) waits for the disk. The change-log
 * callback, run on the store's writing thread, only schedules a batch. Loading applies deltas to
 * the store from the worker thread, so store listeners see loaded changes there, as {@code
 * REMOTE}. Error listeners are called on the worker thread. Because the worker briefly takes the
 * store's lock to drain the change log, never wait on one of this persister's futures from a
 * store listener or inside a transaction: that thread holds the store's lock.
 *
 * <p>One process writes a directory at a time; other processes may auto-load from it.
 *
 * <h2>Damaged files</h2>
 *
 * A key file that is truncated, bit-flipped, empty, of an unknown version or undecryptable is
 * skipped and reported in the {@link LoadResult}, the log and the error listeners; the other keys
 * load. A corrupt file is renamed to {@code *.corrupt} so a later save does not overwrite the
 * evidence. A file that fails decryption, or is intact but in a format version this build does not
 * read (written by a newer build), is kept where it is and its key is not written again until it
 * loads, so neither a wrong key nor a downgrade destroys data.
 */
public final class FilePersister implements Persister {
  private static final System.Logger LOG = System.getLogger(FilePersister.class.getName());

  /**
   * The outcome of a load.
   *
   * @param filesLoaded key files read and applied
   * @param changesLoaded cells, tombstones and values those files held
   * @param changesetsReplayed journaled changesets re-applied (writes after the last batch)
   * @param skipped the files that could not be read, each as a typed exception naming the file
   */
  public record LoadResult(int filesLoaded, int changesLoaded, int changesetsReplayed,
      List<PersistFileException> skipped) {}


  private final Store store;
  private final Path directory;
  private final FileSystem fs;
  private final Duration throttle;
  private final Duration autoLoadInterval;
  private final PersistenceKeyResolver resolver;
  private final KeyProvider keys;
  private final Durability journalDurability;
  private final ScheduledExecutorService worker;
  private final PersisterListeners listeners = new PersisterListeners(this);
  private final ThrottleWindow window;
  private final AtomicLong batchesWritten = new AtomicLong();
  private final AtomicLong filesWritten = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean autoSaving;
  private volatile boolean autoLoading;

  // Worker-thread state.
  private final StoreMirror mirror = new StoreMirror();
  private final KeyAssignments assignments = new KeyAssignments();
  private final Set<RowRef> dirtyRows = new LinkedHashSet<>();
  private final Set<String> dirtyKeys = new LinkedHashSet<>();
  // key files kept but not loaded (wrong key, newer format): file name -> why; never overwritten
  private final Map<String, String> unreadableFiles = new HashMap<>();
  private boolean valuesDirty;
  private boolean indexDirty;
  private VersionVector version = VersionVector.EMPTY;
  private Subscription commits; // non-null while auto-saving
  private ScheduledFuture<?> autoLoadTask;
  private byte[] lastIndexBytes;
  private final Map<String, Integer> fileChecksums = new HashMap<>(); // as last read or written
  private FileJournal journal;
  private long journalMark = -1;
  private boolean journalReplayed;
  private final List<PersistFileException> replaySkipped = new ArrayList<>();
  private final List<KeyFile> unmerged = new ArrayList<>(); // loaded, not yet in the mirror

  private FilePersister(Builder b) {
    this.store = b.store;
    this.directory = b.directory;
    this.fs = b.fs;
    this.throttle = b.throttle;
    this.autoLoadInterval = b.autoLoadInterval;
    this.resolver = b.resolver;
    this.keys = b.keys;
    this.journalDurability = b.journalDurability;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "syncline-file-persister " + directory);
      thread.setDaemon(true);
      return thread;
    });
    // close() writes what a pending batch holds itself; delayed batches must not outlive it.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.worker = executor;
    this.window = new ThrottleWindow(b.throttle, b.maxDelay, executor, this::runBatch);
  }

  /** Starts configuring a persister of {@code store} into {@code directory}. */
  public static Builder builder(Store store, Path directory) {
    return new Builder(store, directory);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API. Each Persister method enqueues its work on the worker and waits for it; the
  // ...Async variants return at once with a future.

  @Override
  public Store store() {
    return store;
  }

  /**
   * Reads every key file and merges it into the store; returns once the store holds the data.
   * Damaged files are skipped (never applied) and reported to the error listeners; {@link
   * #loadAsync()} also lists them.
   *
   * @throws PersistFileException if the directory cannot be read
   */
  @Override
  public void load() {
    await(loadAsync(), "load from");
  }

  /** {@link #load()} without waiting; the result lists the files skipped. */
  public CompletableFuture<LoadResult> loadAsync() {
    return submit(this::doLoad);
  }

  /**
   * Writes the whole store (every key file and the index) and returns once it is durable.
   *
   * @throws PersistFileException if a file cannot be written
   */
  @Override
  public void save() {
    await(saveAsync(), "save to");
  }

  /** {@link #save()} without waiting. */
  public CompletableFuture<Void> saveAsync() {
    return submit(() -> {
      captureFullState(false);
      markEverythingDirty();
      persistDirty();
      return null;
    });
  }

  /**
   * Starts saving changes once per throttle window; returns once the changes the store held
   * before the call (those not already on disk) are written.
   *
   * @throws PersistFileException if that first write fails (auto-save keeps retrying)
   */
  @Override
  public void startAutoSave() {
    await(startAutoSaveAsync(), "save to");
  }

  /** {@link #startAutoSave()} without waiting. */
  public CompletableFuture<Void> startAutoSaveAsync() {
    return submit(() -> {
      if (commits == null) {
        ensureJournal();
        captureFullState(true);
        autoSaving = true;
        persistDirty();
      }
      return null;
    });
  }

  /**
   * Loads now, then checks the index every {@code autoLoadInterval} and loads what changed when
   * another process (or persister) wrote the directory.
   */
  @Override
  public void startAutoLoad() {
    await(startAutoLoadAsync(), "load from");
  }

  /** {@link #startAutoLoad()} without waiting; the result is the first load's. */
  public CompletableFuture<LoadResult> startAutoLoadAsync() {
    return submit(() -> {
      LoadResult result = doLoad();
      if (autoLoadTask == null) {
        long millis = autoLoadInterval.toMillis();
        autoLoadTask = worker.scheduleWithFixedDelay(this::checkForChanges, millis, millis,
            TimeUnit.MILLISECONDS);
        autoLoading = true;
      }
      return result;
    });
  }

  /**
   * Writes what the current throttle window holds now, without waiting for the window to close,
   * and returns once it is durable.
   */
  public void flush() {
    await(flushAsync(), "save to");
  }

  /** {@link #flush()} without waiting. */
  public CompletableFuture<Void> flushAsync() {
    return submit(() -> {
      drainChanges();
      persistDirty();
      return null;
    });
  }

  /** Stops auto-save (after writing what it holds) and auto-load. */
  @Override
  public void stop() {
    await(stopAsync(), "save to");
  }

  /** {@link #stop()} without waiting. */
  public CompletableFuture<Void> stopAsync() {
    return submit(() -> {
      autoLoading = false;
      if (autoLoadTask != null) {
        autoLoadTask.cancel(false);
        autoLoadTask = null;
      }
      if (commits != null) {
        autoSaving = false;
        drainChanges();
        commits.close();
        commits = null;
        if (journal != null) {
          store.detachJournal(journal);
        }
        persistDirty();
      }
      return null;
    });
  }

  @Override
  public boolean isAutoSaving() {
    return autoSaving;
  }

  @Override
  public boolean isAutoLoading() {
    return autoLoading;
  }

  private <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new PersistFileException("Could not " + what + " " + directory + ": "
          + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PersistFileException("Interrupted while waiting to " + what + " " + directory, e);
    }
  }

  /** Registers a listener called on the worker thread with every background failure. */
  public Subscription addErrorListener(Consumer<Throwable> listener) {
    return listeners.addErrorListener(listener);
  }

  /** Registers a listener called on the worker thread each time {@link #status()} changes. */
  public Subscription addStatusListener(Consumer<Status> listener) {
    return listeners.addStatusListener(listener);
  }

  /** What the worker is doing now. */
  public Status status() {
    return listeners.status();
  }

  private void setStatus(Status next) {
    listeners.setStatus(next);
  }

  /**
   * Checks every file of the directory (structure, checksum, format version and, for encrypted
   * files, authentication with the configured keys) without applying anything.
   *
   * @return the problems found, empty if every file is sound
   */
  public List<PersistFileException> verify() {
    return await(submit(() -> PersisterFormat.verifyDirectory(fs, directory, keys)), "verify");
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
      stopAsync().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new PersistFileException("The final save to " + directory + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      throw new PersistFileException("The final save to " + directory + " took over 30 s", e);
    } finally {
      closed = true;
      worker.execute(this::closeJournal);
      worker.shutdown();
      try {
        worker.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      setStatus(Status.CLOSED);
    }
  }

  private void closeJournal() {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException e) {
        report(e);
      }
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
    if (t instanceof PersistFileException) {
      LOG.log(System.Logger.Level.WARNING, t.getMessage()); // the message names file and cause
    } else {
      LOG.log(System.Logger.Level.WARNING, "File persister of " + directory + " failed", t);
    }
    listeners.report(t);
  }

  // ---------------------------------------------------------------------------------------------
  // Auto-save

  private void runBatch() {
    if (commits == null || closed) {
      return;
    }
    try {
      drainChanges();
      persistDirty();
    } catch (Throwable t) {
      report(t);
      // Retry in a later window (at least 100 ms away); the dirty set is intact.
      window.retry();
    }
  }

  /**
   * Merges into the mirror everything the store changed since the vector the mirror holds, and
   * moves that vector to the store's of the same instant.
   */
  private void drainChanges() {
    if (commits == null) {
      return;
    }
    mergeLoaded();
    Delta[] delta = new Delta[1];
    VersionVector base = version;
    // deltaSince runs under the store lock, which atomically() holds: the delta, its vector and
    // the journal mark describe the same instant.
    store.atomically(() -> {
      delta[0] = store.deltaSince(base);
      markJournal();
      return null;
    });
    mergeAll(delta[0].changes());
    if (!delta[0].version().equals(version)) {
      version = version.merge(delta[0].version());
      indexDirty = true;
    }
  }

  /** Takes the whole store (and, if asked, starts listening to commits at the same instant). */
  private void captureFullState(boolean listen) {
    mergeLoaded();
    Delta[] state = new Delta[1];
    store.atomically(() -> {
      if (listen) {
        commits = store.addCommitListener(window::onCommit); // no commit can slip in before this: lock held
      }
      if (listen && journal != null && journalDurability != null) {
        store.attachJournal(journal, journalDurability);
      }
      state[0] = store.fullState();
      markJournal();
      return null;
    });
    mergeAll(state[0].changes());
    if (!state[0].version().equals(version)) {
      version = version.merge(state[0].version());
      indexDirty = true;
    }
  }

  /** Store lock held: every changeset journaled so far is in the change log or the state taken. */
  private void markJournal() {
    if (journal != null) {
      journalMark = Math.max(journalMark, journal.endPosition());
    }
  }

  /** After a batch: the journal's changesets up to the mark are in the key files now. */
  private void releaseJournal() throws IOException {
    if (journal != null && journalMark >= 0) {
      journal.releaseBefore(journalMark);
      journalMark = -1;
    }
  }

  private void ensureJournal() throws IOException {
    if (journal == null && journalDurability != null) {
      journal = FileJournal.open(directory.resolve(JOURNAL_DIRECTORY), fs);
    }
  }

  /** The subdirectory holding the journal. */
  public static final String JOURNAL_DIRECTORY = "journal";

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
    dirtyKeys.addAll(assignments.keys());
    valuesDirty = true;
    indexDirty = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing a batch

  private void persistDirty() throws IOException {
    mergeLoaded(); // a load may have found rows in two files: their keys are dirty
    if (dirtyRows.isEmpty() && dirtyKeys.isEmpty() && !valuesDirty && !indexDirty) {
      releaseJournal();
      return;
    }
    setStatus(Status.SAVING);
    try {
      writeBatch();
    } finally {
      setStatus(Status.IDLE);
    }
  }

  private void writeBatch() throws IOException {
    mergeLoaded();
    fs.createDirectories(directory);
    // Resolve the key of every row of the batch before writing anything.
    KeyAssignments.Plan plan = assignments.plan(dirtyRows, dirtyKeys,
        valuesDirty ? resolver.valuesKey() : null, this::resolveKey, this::withValues);
    for (String key : plan.touched()) {
      String unreadable = unreadableFiles.get(PersisterFormat.fileName(key));
      if (unreadable != null) {
        throw new PersistFileException("Not writing " + directory.resolve(
            PersisterFormat.fileName(key)) + " (key '" + key + "'): its current file " + unreadable
            + ", and rewriting it would drop the rows it holds.");
      }
    }
    for (KeyAssignments.Write write : plan.writes()) {
      writeKeyFile(write.key(), mirror.changesOf(write.rows(), withValues(write.key())));
    }
    assignments.commit(plan);
    writeIndex();
    for (String key : plan.emptied()) {
      fs.delete(directory.resolve(PersisterFormat.fileName(key)));
      fileChecksums.remove(PersisterFormat.fileName(key));
    }
    if (!plan.emptied().isEmpty()) {
      fs.syncDirectory(directory);
    }
    dirtyRows.clear();
    dirtyKeys.clear();
    valuesDirty = false;
    indexDirty = false;
    batchesWritten.incrementAndGet();
    releaseJournal();
  }

  /** A deleted row stays where its tombstones are; a live one goes where its content says. */
  private String resolveKey(RowRef row) {
    String old = assignments.keyOf(row);
    Map<String, Object> live = mirror.liveRow(row);
    return live.isEmpty() && old != null ? old : resolver.keyFor(row.table(), row.row(), live);
  }

  private boolean withValues(String key) {
    return key.equals(resolver.valuesKey()) && !mirror.values().isEmpty();
  }

  private void writeKeyFile(String key, List<Change> changes) throws IOException {
    Delta delta = Delta.of(store.replicaId(), VersionVector.EMPTY, changes);
    String keyId = keys == null ? null : keys.keyIdFor(key);
    String name = PersisterFormat.fileName(key);
    int checksum = ChecksummedFile.write(fs, directory.resolve(name), PersisterFormat.KEY_FORMAT,
        PersisterFormat.VERSION, PersisterFormat.encodeKeyFile(key, delta), keyId, keys);
    fileChecksums.put(name, checksum);
    filesWritten.incrementAndGet();
  }

  private void writeIndex() throws IOException {
    List<IndexEntry> entries = new ArrayList<>();
    Set<String> allKeys = new TreeSet<>(assignments.keys());
    if (!mirror.values().isEmpty()) {
      allKeys.add(resolver.valuesKey());
    }
    for (String key : allKeys) {
      Set<String> tables = new TreeSet<>();
      for (RowRef row : assignments.rowsOf(key)) {
        tables.add(row.table());
      }
      String name = PersisterFormat.fileName(key);
      entries.add(new IndexEntry(key, name, fileChecksums.getOrDefault(name, 0),
          List.copyOf(tables)));
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
    setStatus(Status.LOADING);
    try {
      return loadFiles();
    } finally {
      setStatus(Status.IDLE);
    }
  }

  private LoadResult loadFiles() throws IOException {
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
    for (Path file : fs.list(directory)) {
      if (!PersisterFormat.isKeyFile(file)) {
        continue;
      }
      int loaded = loadKeyFile(file, skipped);
      if (loaded >= 0) {
        files++;
        changes += loaded;
      }
    }
    // The store has the data now; the mirror of the disk is built right after this task (or
    // earlier, by whatever needs it first), so the caller's wait does not include it.
    try {
      worker.execute(this::mergeLoaded);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down: whatever still needs the mirror merges it first.
    }
    if (index != null && skipped.isEmpty()) {
      store.restore(Delta.of(store.replicaId(), index.version(), List.of()));
      version = version.merge(index.version());
    }
    lastIndexBytes = indexBytes;
    replaySkipped.clear();
    int replayed = replayJournal();
    skipped.addAll(replaySkipped);
    return new LoadResult(files, changes, replayed, List.copyOf(skipped));
  }

  /** Re-applies the changesets journaled after the last batch (a crash lost the batch). */
  private int replayJournal() throws IOException {
    Path journalDirectory = directory.resolve(JOURNAL_DIRECTORY);
    if (journalReplayed || (journal == null && fs.list(journalDirectory).isEmpty())) {
      return 0; // only the first load of a process can find writes a crash kept from the files
    }
    journalReplayed = true;
    FileJournal replaying = journal;
    try {
      if (replaying == null && journalDurability != null) {
        ensureJournal();
        replaying = journal;
      } else if (replaying == null) {
        // Not journaling now: replay what an earlier run of the writer left, unless a live
        // writer (another process) holds the journal, then let go of it.
        try {
          replaying = FileJournal.open(journalDirectory, fs);
        } catch (FileJournal.JournalInUseException e) {
          LOG.log(System.Logger.Level.DEBUG, "Not replaying the journal of " + directory
              + ": a live writer holds it");
          return 0;
        }
      }
      try {
        return replay(replaying);
      } finally {
        if (replaying != journal) {
          replaying.close();
        }
      }
    } catch (PersistFileException e) {
      // A damaged journal (or one a live writer holds while this persister wants to journal):
      // the key files are loaded; the failure is reported, not thrown.
      replaySkipped.add(e);
      report(e);
      return 0;
    }
  }

  private int replay(FileJournal from) throws IOException {
    mergeLoaded(); // so only journaled changes newer than the files count as dirty
    List<PersistFileException> skipped = new ArrayList<>();
    int replayed = 0;
    long end = from.endPosition();
    for (Changeset changeset : from.pending()) {
      try {
        if (changeset.origin().equals(store.replicaId())) {
          store.replayLocal(changeset); // pending again for sync, not re-journaled
        } else {
          store.applyChangeset(changeset);
        }
        mergeAll(changeset.changes()); // written by the next batch, auto-saving or not
        replayed++;
      } catch (RuntimeException e) {
        skip(new PersistFileException("The store refused journaled changeset "
            + changeset.sequence() + " of replica '" + changeset.origin() + "': "
            + e.getMessage(), e), skipped);
      }
    }
    if (from == journal) {
      journalMark = Math.max(journalMark, end);
    }
    replaySkipped.addAll(skipped);
    return replayed;
  }

  /** Reads a key file and applies it to the store; returns its change count, -1 if skipped. */
  private int loadKeyFile(Path file, List<PersistFileException> skipped) throws IOException {
    KeyFile keyFile = readKeyFile(file, skipped);
    if (keyFile == null) {
      return -1;
    }
    try {
      store.restore(keyFile.delta());
    } catch (RuntimeException e) {
      fileChecksums.remove(file.getFileName().toString());
      skip(new PersistFileException("The store refused the contents of " + file + ": "
          + e.getMessage(), e), skipped);
      return -1;
    }
    unmerged.add(keyFile);
    unreadableFiles.remove(file.getFileName().toString());
    return keyFile.delta().size();
  }

  private KeyFile readKeyFile(Path file, List<PersistFileException> skipped) throws IOException {
    try {
      ChecksummedFile.Contents contents = ChecksummedFile.read(fs, file,
          PersisterFormat.KEY_FORMAT, PersisterFormat.VERSION, PersisterFormat.VERSION, keys);
      KeyFile keyFile = PersisterFormat.decodeKeyFile(file, contents.body());
      if (!PersisterFormat.fileName(keyFile.key()).equals(file.getFileName().toString())) {
        throw new CorruptFileException(file, -1, CorruptFileException.Reason.MALFORMED,
            "it holds key '" + keyFile.key() + "', which belongs in "
                + PersisterFormat.fileName(keyFile.key()) + ".");
      }
      fileChecksums.put(file.getFileName().toString(), contents.checksum());
      return keyFile;
    } catch (NoSuchFileException e) {
      return null; // removed by a concurrent save after its rows moved: not an error
    } catch (WrongKeyException e) {
      unreadableFiles.put(file.getFileName().toString(), "could not be decrypted (load it with the right key first)");
      skip(e, skipped);
      return null;
    } catch (CorruptFileException e) {
      skip(e, skipped);
      if (e.reason() == CorruptFileException.Reason.UNSUPPORTED_VERSION) {
        unreadableFiles.put(file.getFileName().toString(),
            "is in a format this build cannot read (a newer build wrote it)");
      } else {
        quarantine(file);
      }
      return null;
    }
  }

  /** Adds the key files loaded to the mirror of what is on disk. Idempotent. */
  private void mergeLoaded() {
    if (unmerged.isEmpty()) {
      return;
    }
    Map<RowRef, Set<String>> foundIn = new HashMap<>();
    for (KeyFile keyFile : unmerged) {
      for (Change change : keyFile.delta().changes()) {
        mirror.merge(change);
        if (change instanceof io.syncline.core.CellChange cell) {
          foundIn.computeIfAbsent(new RowRef(cell.table(), cell.row()), r -> new TreeSet<>())
              .add(keyFile.key());
        }
      }
    }
    unmerged.clear();
    assignLoadedRows(foundIn);
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
        dirtyRows.add(row); // and the chosen key with the row's merged cells
      }
      assignments.assign(row, key);
    });
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
        loadChanged(now);
      }
    } catch (Throwable t) {
      report(t);
    }
  }

  /**
   * Loads only the key files whose checksum in the new index differs from the one this
   * persister last read or wrote; falls back to a full load if the index cannot be read.
   */
  private void loadChanged(byte[] indexBytes) throws IOException {
    Path indexFile = directory.resolve(PersisterFormat.INDEX_FILE);
    Index index;
    try {
      index = PersisterFormat.decodeIndex(indexFile, ChecksummedFileReader.decode(indexFile,
          indexBytes, PersisterFormat.INDEX_FORMAT, PersisterFormat.VERSION,
          PersisterFormat.VERSION, keys).body());
    } catch (PersistFileException e) {
      doLoad(); // reports what is wrong, file by file
      return;
    }
    setStatus(Status.LOADING);
    try {
      List<PersistFileException> skipped = new ArrayList<>();
      for (IndexEntry entry : index.entries()) {
        Integer known = fileChecksums.get(entry.fileName());
        if (known == null || known != entry.checksum()) {
          loadKeyFile(directory.resolve(entry.fileName()), skipped);
        }
      }
      if (skipped.isEmpty()) {
        store.restore(Delta.of(store.replicaId(), index.version(), List.of()));
        version = version.merge(index.version());
      }
      lastIndexBytes = indexBytes;
      mergeLoaded();
    } finally {
      setStatus(Status.IDLE);
    }
  }

  /** Settings of a {@link FilePersister}. */
  public static final class Builder {
    private final Store store;
    private final Path directory;
    private FileSystem fs = FileSystem.SYSTEM;
    private Duration throttle = Duration.ofMillis(50);
    private Duration maxDelay = Duration.ofSeconds(1);
    private Duration autoLoadInterval = Duration.ofSeconds(1);
    private PersistenceKeyResolver resolver = PersistenceKeyResolver.single();
    private KeyProvider keys;
    private Durability journalDurability;

    private Builder(Store store, Path directory) {
      this.store = Objects.requireNonNull(store, "store");
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** How long after the last commit of a burst auto-save writes; 50 ms by default. */
    public Builder throttle(Duration throttle) {
      if (throttle.isNegative()) {
        throw new IllegalArgumentException("throttle must not be negative: " + throttle);
      }
      this.throttle = throttle;
      return this;
    }

    /**
     * How long auto-save may wait, after the first commit of a burst, for the writes to pause
     * before it writes anyway; 1 s by default, never less than the throttle. See
     * {@link ThrottleWindow}.
     */
    public Builder maxDelay(Duration maxDelay) {
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("maxDelay must not be negative: " + maxDelay);
      }
      this.maxDelay = maxDelay;
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

    /** Maps rows and values to persistence keys; by default "store", with values in "values". */
    public Builder resolver(PersistenceKeyResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Encrypts the keys for which {@link KeyProvider#keyIdFor} returns an id; none by default. */
    public Builder keys(KeyProvider keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Journals every local write in a {@link FileJournal} (subdirectory {@value
     * #JOURNAL_DIRECTORY}) from {@link #startAutoSave()} on, so writes made since the last batch
     * survive a crash; {@link #load()} replays them. {@code durability} is how long the store's
     * writes wait for the journal ({@link Durability#SYNC}: until an fsync covers them). Off by
     * default.
     */
    public Builder journal(Durability durability) {
      this.journalDurability = Objects.requireNonNull(durability, "durability");
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

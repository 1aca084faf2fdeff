package io.syncline.persist.sqlite;

import io.syncline.core.Change;
import io.syncline.core.CellChange;
import io.syncline.core.ChangeLog;
import io.syncline.core.Changeset;
import io.syncline.core.Delta;
import io.syncline.core.Persister;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Keeps one {@link Store} in an SQLite database file (WAL mode), one row per cell with its stamp
 * (layout and integrity checks in {@link SqliteCellStore}).
 *
 * <h2>What is stored, and the version vector</h2>
 *
 * Every cell, tombstone and value with its stamp, plus the store's version vector and last local
 * sequence. The vector written with a batch always describes a store state that the database
 * holds completely after the batch (the batch and the state are taken at one instant under the
 * store's lock), so {@link #load()} may attach it to the delta it applies, and a reloaded store
 * answers {@code deltaSince} exactly like the saved one. {@link #lastSequence} gives the sequence
 * to build a reopened store with ({@link Store.Builder#lastSequence}).
 *
 * <h2>Auto-save</h2>
 *
 * {@link #startAutoSave()} first writes what the database lacks ({@code store.deltaSince} the
 * stored vector), then attaches a change-log tailer. The first changeset after a quiet period
 * opens a throttle window; when it closes, the worker drains the tailer, collapses the window to
 * the newest change per cell and value ({@link ChangeLog#collapse}), and writes only those, in one
 * transaction. Changesets this persister itself loaded are skipped: the database has them. A
 * failed batch stays pending and is retried in the next window.
 *
 * <h2>Auto-load</h2>
 *
 * {@link #startAutoLoad()} loads, then polls SQLite's {@code data_version} every
 * {@code autoLoadInterval}; when another connection (another persister or process) committed, it
 * reads only the rows whose change counter is above the last one seen and merges them.
 *
 * <h2>Threads</h2>
 *
 * All database I/O runs on one worker thread ({@code syncline-sqlite-persister}), which owns the
 * connection. {@link #load()}, {@link #save()}, {@link #flush()}, {@link #stop()} and
 * {@link #close()} block until their work is done; do not call them from a store listener. The
 * change-log callback, run on the store's writing thread, only schedules a batch. Loaded changes
 * reach the store on the worker thread, so store listeners see them there, as {@code REMOTE}.
 * Status and error listeners are called on the worker thread.
 */
public final class SqlitePersister implements Persister {
  private static final System.Logger LOG = System.getLogger(SqlitePersister.class.getName());

  private final Store store;
  private final Path file;
  private final Duration throttle;
  private final Duration autoLoadInterval;
  private final SqliteCellStore.Sync sync;
  private final String loadSource;
  private final ScheduledExecutorService worker;
  private final List<Consumer<Status>> statusListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean batchScheduled = new AtomicBoolean();
  private volatile Thread workerThread;
  private volatile Status status = Status.IDLE;
  private volatile boolean autoSaving;
  private volatile boolean autoLoading;
  private volatile boolean closed;

  // Worker-thread state.
  private SqliteCellStore cells;
  private ChangeLog.Tailer tailer;
  private ScheduledFuture<?> autoLoadTask;
  /** The store holds every database row whose {@code seq} is at most this; -1 before a load. */
  private long loadedCounter = -1;
  private long lastDataVersion;
  private final Map<Object, Change> pending = new LinkedHashMap<>();
  private VersionVector pendingVersion;
  private long pendingSequence;

  private SqlitePersister(Builder b) {
    this.store = b.store;
    this.file = b.file;
    this.throttle = b.throttle;
    this.autoLoadInterval = b.autoLoadInterval;
    this.sync = b.sync;
    this.loadSource = "sqlite:" + file;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "syncline-sqlite-persister " + file);
      thread.setDaemon(true);
      workerThread = thread;
      return thread;
    });
    // close() has already written what a pending batch or poll would: do not wait for them.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.worker = executor;
  }

  /** Starts configuring a persister of {@code store} into the database file {@code dbFile}. */
  public static Builder builder(Store store, Path dbFile) {
    return new Builder(store, dbFile);
  }

  /**
   * The last local sequence number saved for {@code replicaId} in {@code dbFile} (0 if the file or
   * the replica is unknown): pass it to {@link Store.Builder#lastSequence} when reopening.
   *
   * @throws SqliteStoreException if the file exists but cannot be read
   */
  public static long lastSequence(Path dbFile, String replicaId) {
    if (!Files.exists(dbFile)) {
      return 0;
    }
    try (SqliteCellStore db = SqliteCellStore.open(dbFile)) {
      return db.lastSequence(replicaId);
    }
  }

  @Override
  public Store store() {
    return store;
  }

  /** The database file (absolute). */
  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------------------------------------
  // Public API: each method runs its work on the worker and waits for it.

  /**
   * Reads the whole database and merges it into the store, with the stored version vector.
   *
   * @throws CorruptDatabaseException if the file is not a readable Syncline database
   * @throws SqliteStoreException if it cannot be read; nothing was applied
   */
  @Override
  public void load() {
    call(() -> {
      doLoad();
      return null;
    });
  }

  /**
   * Writes the store's whole state and returns once it is durable.
   *
   * @throws SqliteStoreException if the write failed; the database is unchanged
   */
  @Override
  public void save() {
    call(() -> {
      Delta[] state = new Delta[1];
      long[] sequence = new long[1];
      store.transaction(tx -> {
        state[0] = store.fullState();
        sequence[0] = store.sequence();
        if (tailer != null) {
          tailer.poll(Integer.MAX_VALUE); // the full state covers them
        }
      });
      try {
        write(state[0].changes(), state[0].version(), sequence[0]);
        pending.clear(); // covered by the full state
        pendingVersion = null;
      } catch (RuntimeException e) {
        if (tailer != null) { // keep what the tailer had handed over: the next batch retries it
          state[0].changes().forEach(this::addPending);
          pendingSequence = Math.max(pendingSequence, sequence[0]);
        }
        throw e;
      }
      return null;
    });
  }

  /**
   * Writes what auto-save holds now, without waiting for the throttle window to close: every
   * change committed to the store before this call is durable when it returns. No-op unless
   * auto-saving.
   *
   * @throws SqliteStoreException if the write failed; the changes stay pending
   */
  public void flush() {
    call(() -> {
      if (tailer != null) {
        writePending();
      }
      return null;
    });
  }

  /**
   * Writes what the database lacks of the store, then saves changes once per throttle window.
   * Returns once that first write is durable. Idempotent while running.
   *
   * @throws CorruptDatabaseException if the file is not a readable Syncline database (auto-save
   *     is then not started)
   * @throws SqliteStoreException if the first write failed; auto-save runs and retries it
   */
  @Override
  public void startAutoSave() {
    call(() -> {
      if (tailer != null) {
        return null;
      }
      VersionVector onDisk = cells().version();
      Delta[] missing = new Delta[1];
      long[] sequence = new long[1];
      store.transaction(tx -> {
        tailer = store.changeLog().tailer("sqlite-persister " + file);
        missing[0] = store.deltaSince(onDisk);
        sequence[0] = store.sequence();
      });
      tailer.onAppend(this::scheduleBatch);
      autoSaving = true;
      // Through the pending set: if this first write fails, the next batch retries it.
      missing[0].changes().forEach(this::addPending);
      pendingVersion = missing[0].version();
      pendingSequence = Math.max(pendingSequence, sequence[0]);
      writePending();
      return null;
    });
  }

  /**
   * Loads (as {@link #load()}), then merges what other connections commit, checking every
   * {@code autoLoadInterval}. Failures of those checks go to the error listeners.
   *
   * @throws SqliteStoreException if the first load failed; auto-load is then not started
   */
  @Override
  public void startAutoLoad() {
    call(() -> {
      lastDataVersion = cells().dataVersion(); // before reading: a later commit changes it
      doLoad();
      if (autoLoadTask == null) {
        long millis = autoLoadInterval.toMillis();
        autoLoadTask = worker.scheduleWithFixedDelay(this::pollForChanges, millis, millis, TimeUnit.MILLISECONDS);
      }
      autoLoading = true;
      return null;
    });
  }

  /**
   * Stops auto-load and auto-save, first writing what auto-save had pending.
   *
   * @throws SqliteStoreException if that final write failed (auto-save is stopped regardless)
   */
  @Override
  public void stop() {
    call(() -> {
      doStop();
      return null;
    });
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public boolean isAutoLoading() {
    return autoLoading;
  }

  @Override
  public boolean isAutoSaving() {
    return autoSaving;
  }

  @Override
  public Subscription addStatusListener(Consumer<Status> listener) {
    Objects.requireNonNull(listener, "listener");
    statusListeners.add(listener);
    return () -> statusListeners.remove(listener);
  }

  @Override
  public Subscription addErrorListener(Consumer<Throwable> listener) {
    Objects.requireNonNull(listener, "listener");
    errorListeners.add(listener);
    return () -> errorListeners.remove(listener);
  }

  /**
   * Stops (writing what auto-save holds), closes the database and ends the worker thread.
   * Idempotent.
   *
   * @throws SqliteStoreException if the final write failed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      call(() -> {
        try {
          doStop();
        } finally {
          if (cells != null) {
            cells.close();
          }
        }
        return null;
      });
    } finally {
      closed = true;
      setStatus(Status.CLOSED);
      worker.shutdown();
      try {
        worker.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "SqlitePersister[" + file + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Worker-thread work

  private SqliteCellStore cells() {
    if (cells == null) {
      cells = SqliteCellStore.open(file, sync);
    }
    return cells;
  }

  private void doLoad() {
    setStatus(Status.LOADING);
    try {
      SqliteCellStore.Snapshot snapshot = cells().readAll();
      apply(snapshot);
      loadedCounter = snapshot.changeCounter();
    } finally {
      setStatus(Status.IDLE);
    }
  }

  /**
   * Merges a snapshot with its vector. Sound for a partial read too: the store already holds every
   * row at or below {@link #loadedCounter}, and the snapshot holds every row above it.
   */
  private void apply(SqliteCellStore.Snapshot snapshot) {
    if (snapshot.changes().isEmpty() && store.versionVector().dominates(snapshot.version())) {
      return;
    }
    store.restore(Delta.of(loadSource, snapshot.version(), snapshot.changes()));
  }

  private void pollForChanges() {
    try {
      long version = cells().dataVersion();
      if (version == lastDataVersion) {
        return;
      }
      lastDataVersion = version;
      setStatus(Status.LOADING);
      try {
        SqliteCellStore.Snapshot snapshot = cells().readSince(loadedCounter);
        apply(snapshot);
        loadedCounter = snapshot.changeCounter();
      } finally {
        setStatus(Status.IDLE);
      }
    } catch (Throwable t) {
      report(t);
    }
  }

  /** Runs on the store's writing thread: must only schedule. */
  private void scheduleBatch() {
    if (!closed && batchScheduled.compareAndSet(false, true)) {
      try {
        worker.schedule(this::runBatch, throttle.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
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
      writePending();
    } catch (Throwable t) {
      report(t);
      scheduleBatch(); // retry in the next window; pending is intact
    }
  }

  /** Drains the tailer into {@link #pending}, collapsed, with the vector of the same instant. */
  private void drain() {
    List<Changeset> polled = new ArrayList<>();
    VersionVector[] version = new VersionVector[1];
    long[] sequence = new long[1];
    // The store appends to its change log under its lock, which atomically() holds: the tailer's
    // lag, the vector and the sequence describe one instant. Polling exactly that many changesets
    // afterwards, outside the lock, yields the changesets the vector covers without holding up
    // writers while they are materialised.
    long[] lag = new long[1];
    store.atomically(() -> {
      lag[0] = tailer.lag();
      version[0] = store.versionVector();
      sequence[0] = store.sequence();
      return null;
    });
    for (long remaining = lag[0]; remaining > 0; ) {
      List<Changeset> batch = tailer.poll((int) Math.min(remaining, 4096));
      if (batch.isEmpty()) {
        break;
      }
      polled.addAll(batch);
      remaining -= batch.size();
    }
    polled.removeIf(cs -> cs.origin().equals(loadSource));
    ChangeLog.collapse(polled).forEach(this::addPending);
    pendingVersion = pendingVersion == null ? version[0] : pendingVersion.merge(version[0]);
    pendingSequence = Math.max(pendingSequence, sequence[0]);
  }

  private void addPending(Change change) {
    Object key = change instanceof CellChange c ? List.of(c.table(), c.row(), c.cell()) : ((ValueChange) change).id();
    pending.merge(key, change, (a, b) -> b.stamp().compareTo(a.stamp()) >= 0 ? b : a);
  }

  private void writePending() {
    drain();
    write(pending.values(), pendingVersion, pendingSequence);
    pending.clear();
    pendingVersion = null;
  }

  private void write(java.util.Collection<? extends Change> changes, VersionVector version, long sequence) {
    setStatus(Status.SAVING);
    try {
      SqliteCellStore.WriteResult r = cells().write(changes, version, store.replicaId(), sequence);
      if (r.previousCounter() == loadedCounter) {
        loadedCounter = r.changeCounter(); // nobody else wrote in between: the store has it all
      }
    } finally {
      setStatus(Status.IDLE);
    }
  }

  private void doStop() {
    autoLoading = false;
    if (autoLoadTask != null) {
      autoLoadTask.cancel(false);
      autoLoadTask = null;
    }
    if (tailer != null) {
      try {
        writePending();
      } finally {
        tailer.close();
        tailer = null;
        autoSaving = false;
        pending.clear();
        pendingVersion = null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing

  private <T> T call(Callable<T> task) {
    if (closed) {
      throw new IllegalStateException("The SQLite persister of " + file + " is closed");
    }
    if (Thread.currentThread() == workerThread) {
      return run(task);
    }
    Future<T> future;
    try {
      future = worker.submit(() -> run(task));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("The SQLite persister of " + file + " is closed", e);
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqliteStoreException(file, "Interrupted while waiting for the database file " + file, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SqliteStoreException(file, "Work on the database file " + file + " failed: " + cause, cause);
    }
  }

  private static <T> T run(Callable<T> task) {
    try {
      return task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void setStatus(Status next) {
    if (status == next || status == Status.CLOSED) {
      return;
    }
    status = next;
    for (Consumer<Status> listener : statusListeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "A status listener of " + this + " failed", e);
      }
    }
  }

  private void report(Throwable t) {
    LOG.log(System.Logger.Level.WARNING, "Background work of " + this + " failed", t);
    for (Consumer<Throwable> listener : errorListeners) {
      try {
        listener.accept(t);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "An error listener of " + this + " failed", e);
      }
    }
  }

  /** Settings of a {@link SqlitePersister}. */
  public static final class Builder {
    private final Store store;
    private final Path file;
    private Duration throttle = Duration.ofMillis(50);
    private Duration autoLoadInterval = Duration.ofMillis(250);
    private SqliteCellStore.Sync sync = SqliteCellStore.Sync.FULL;

    private Builder(Store store, Path file) {
      this.store = Objects.requireNonNull(store, "store");
      this.file = Objects.requireNonNull(file, "dbFile").toAbsolutePath();
    }

    /** How long auto-save collects changes before writing them; 50 ms by default. */
    public Builder throttle(Duration throttle) {
      if (throttle == null || throttle.isNegative()) {
        throw new IllegalArgumentException("throttle must be zero or positive, was " + throttle);
      }
      this.throttle = throttle;
      return this;
    }

    /** How often auto-load checks the database for other writers' commits; 250 ms by default. */
    public Builder autoLoadInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("autoLoadInterval must be positive, was " + interval);
      }
      this.autoLoadInterval = interval;
      return this;
    }

    /** How hard commits wait for the disk; {@link SqliteCellStore.Sync#FULL} by default. */
    public Builder sync(SqliteCellStore.Sync sync) {
      this.sync = Objects.requireNonNull(sync, "sync");
      return this;
    }

    public SqlitePersister build() {
      return new SqlitePersister(this);
    }
  }
}

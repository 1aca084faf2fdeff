package io.syncline.persist.sqlite;

import io.syncline.core.Change;
import io.syncline.core.Delta;
import io.syncline.core.Persister;
import io.syncline.core.PersisterListeners;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.ThrottleWindow;
import io.syncline.core.VersionVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * {@link #startAutoSave()} writes what the database lacks ({@code store.deltaSince} the stored
 * vector) and from then on keeps the vector the database is known to hold. Commits drive a
 * {@link ThrottleWindow}: {@code throttle} after the last commit of a burst (or {@code maxDelay}
 * after its first, if the writes go on), the worker takes {@code store.deltaSince} that vector: exactly the newest
 * state of every cell and value changed since, whoever changed it, with no copy of the changes
 * kept while they wait. It writes those in one transaction. Changes this persister loaded are
 * not written back: the vector covers them. A failed batch is retried in a later window; the
 * next delta still holds everything it had. Recording the changes costs the writing thread
 * nothing; the store's change index already knows them.
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
  private final PersisterListeners listeners = new PersisterListeners(this);
  private final ThrottleWindow window;
  private volatile Thread workerThread;
  private volatile boolean autoSaving;
  private volatile boolean autoLoading;
  private volatile boolean closed;

  // Worker-thread state.
  private SqliteCellStore cells;
  private Subscription commits; // non-null while auto-saving
  private ScheduledFuture<?> autoLoadTask;
  /** The store holds every database row whose {@code seq} is at most this; -1 before a load. */
  private long loadedCounter = -1;
  private long lastDataVersion;
  /** The database holds every cell of the store up to this vector (written or loaded). */
  private VersionVector saved = VersionVector.EMPTY;

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
    this.window = new ThrottleWindow(b.throttle, b.maxDelay, executor, this::runBatch);
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
      store.atomically(() -> {
        state[0] = store.fullState();
        sequence[0] = store.sequence();
        return null;
      });
      write(state[0].changes(), state[0].version(), sequence[0]);
      saved = saved.merge(state[0].version());
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
      if (commits != null) {
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
      if (commits != null) {
        return null;
      }
      saved = saved.merge(cells().version());
      commits = store.addCommitListener(window::onCommit); // before the first delta: no commit slips by
      autoSaving = true;
      try {
        writePending();
      } catch (RuntimeException e) {
        window.retry();
        throw e;
      }
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
    return listeners.status();
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
    return listeners.addStatusListener(listener);
  }

  @Override
  public Subscription addErrorListener(Consumer<Throwable> listener) {
    return listeners.addErrorListener(listener);
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
    saved = saved.merge(snapshot.version()); // the database holds all of it: never write it back
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

  private void runBatch() {
    if (commits == null || closed) {
      return;
    }
    try {
      writePending();
    } catch (Throwable t) {
      report(t);
      window.retry(); // the next delta still holds it all
    }
  }

  /**
   * Writes everything the store changed since the database's vector, with the store's vector and
   * sequence of the same instant (taken under the store lock, so the vector describes exactly the
   * cells written).
   */
  private void writePending() {
    Delta[] delta = new Delta[1];
    long[] sequence = new long[1];
    VersionVector base = saved;
    store.atomically(() -> {
      delta[0] = store.deltaSince(base);
      sequence[0] = store.sequence();
      return null;
    });
    if (delta[0].isEmpty() && base.dominates(delta[0].version())) {
      return;
    }
    write(delta[0].changes(), delta[0].version(), sequence[0]);
    saved = base.merge(delta[0].version());
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
    if (commits != null) {
      try {
        writePending();
      } finally {
        commits.close();
        commits = null;
        autoSaving = false;
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
    listeners.setStatus(next);
  }

  private void report(Throwable t) {
    LOG.log(System.Logger.Level.WARNING, "Background work of " + this + " failed", t);
    listeners.report(t);
  }

  /** Settings of a {@link SqlitePersister}. */
  public static final class Builder {
    private final Store store;
    private final Path file;
    private Duration throttle = Duration.ofMillis(50);
    private Duration maxDelay = Duration.ofSeconds(1);
    private Duration autoLoadInterval = Duration.ofMillis(250);
    private SqliteCellStore.Sync sync = SqliteCellStore.Sync.FULL;

    private Builder(Store store, Path file) {
      this.store = Objects.requireNonNull(store, "store");
      this.file = Objects.requireNonNull(file, "dbFile").toAbsolutePath();
    }

    /** How long after the last commit of a burst auto-save writes; 50 ms by default. */
    public Builder throttle(Duration throttle) {
      if (throttle == null || throttle.isNegative()) {
        throw new IllegalArgumentException("throttle must be zero or positive, was " + throttle);
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
      if (maxDelay == null || maxDelay.isNegative()) {
        throw new IllegalArgumentException("maxDelay must be zero or positive, was " + maxDelay);
      }
      this.maxDelay = maxDelay;
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

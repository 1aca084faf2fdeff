package io.syncline.core;

import io.syncline.core.internal.HybridLogicalClock;
import io.syncline.core.internal.TableData;
import io.syncline.core.internal.Values;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A replica of a Syncline data set: tables of rows of cells, plus top-level values, every cell
 * and value stamped by a hybrid logical clock and merged last-writer-wins per cell.
 *
 * <h2>Threading</h2>
 * A store is safe to use from any number of threads. One internal lock serialises every
 * operation, so there is exactly one writer at a time and every read sees a committed state
 * (getters return immutable copies, never live views). Listeners run on the committing thread,
 * after the commit, while the lock is still held: they see the committed state, may read the
 * store, and may write to it (the write commits as a new transaction, whose listeners run
 * before the outer dispatch continues). A transaction function runs under the lock too, so keep
 * it free of blocking I/O. With {@link Durability#SYNC} the wait for the disk happens after the
 * lock is released, so writers on many threads share one fsync.
 *
 * <h2>Merge</h2>
 * A change from another replica replaces a cell only if its stamp is larger ({@link Stamp}
 * order); on identical stamps with different contents (a client-id collision) the larger content
 * in a fixed total order wins, so every replica keeps the same one. Deletes are tombstones with
 * stamps, so a delete and a concurrent write also resolve by stamp. Merging is commutative,
 * associative and idempotent.
 *
 * <h2>Memory</h2>
 * Tables are stored column-wise in primitive arrays; see {@link TableData}.
 */
public final class Store {
  static final long DEFAULT_MAX_CLOCK_SKEW_MILLIS = Duration.ofMinutes(5).toMillis();
  /** Default limit on one encoded string or JSON value: it must fit a default sync frame. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 512 * 1024;
  /** Longest accepted table, row, cell or value id, in chars. */
  public static final int MAX_ID_LENGTH = 1024;

  final ReentrantLock lock = new ReentrantLock();
  final String replicaId;
  final int clientId;
  final HybridLogicalClock hlc;
  final Schema schema;
  final long maxSkewMillis;
  final int maxValueBytes;
  final Map<String, TableData> tables = new LinkedHashMap<>();
  final TableData values = new TableData("");
  final int valuesRow = values.row("");
  final ChangeLog changeLog;
  final Listeners listeners = new Listeners();
  final UndoLog undo = new UndoLog();
  private final PendingChangeset.Recorder pending = new PendingChangeset.Recorder();
  private Runnable[] commitListeners = new Runnable[0];
  private final Map<String, Mutator> mutators = new ConcurrentHashMap<>();
  private final VectorState vector = new VectorState();
  int[] seenClients = new int[4];
  int seenCount;
  private int lastSeenClient = -1;

  private long sequence;
  private StoreTransaction current;
  private Journal journal;
  private Durability durability = Durability.BATCHED;
  private long journalPosition = -1;
  private TableData lastTable;

  private Store(Builder b) {
    this.replicaId = b.replicaId != null ? b.replicaId : UUID.randomUUID().toString();
    this.clientId = Stamp.clientIdOf(replicaId);
    this.hlc = new HybridLogicalClock(b.clock, clientId);
    this.schema = b.schema;
    this.maxSkewMillis = b.maxClockSkew;
    this.maxValueBytes = b.maxValueBytes;
    this.changeLog = new ChangeLog(replicaId);
    this.sequence = b.sequence;
    noteClient(clientId);
  }

  /** A store with a random replica id, the system clock and no schema. */
  public static Store create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String replicaId() {
    return replicaId;
  }

  /** The 30-bit client id in this replica's stamps: see {@link Stamp#clientIdOf}. */
  public int clientId() {
    return clientId;
  }

  public Schema schema() {
    return schema;
  }

  public ChangeLog changeLog() {
    return changeLog;
  }

  /** The sequence number of the last local changeset (0 before the first). */
  public long sequence() {
    lock.lock();
    try {
      return sequence;
    } finally {
      lock.unlock();
    }
  }

  // ---- transactions -------------------------------------------------------------------------

  /**
   * Runs {@code body} as one atomic transaction; see {@link Transaction}. Give the lambda a block
   * body ({@code tx -> { tx.setCell(...); }}): an expression body that calls a void method is
   * ambiguous between this overload and the {@link Function} one.
   */
  @SuppressWarnings("overloads") // the issue fixes both overloads; block-bodied lambdas pick this one
  public void transaction(Consumer<Transaction> body) {
    run(null, null, tx -> {
      body.accept(tx);
      return null;
    });
  }

  /** Runs {@code body} as one atomic transaction and returns its result. */
  @SuppressWarnings("overloads")
  public <T> T transaction(Function<Transaction, T> body) {
    return run(null, null, body);
  }

  /** Registers a mutator callable by {@link #mutate}; replaces one of the same name. */
  public void registerMutator(String name, Mutator mutator) {
    checkId(name, "mutator name");
    mutators.put(name, Objects.requireNonNull(mutator, "mutator"));
  }

  /**
   * Runs the named mutator in a transaction whose changeset records the name and a copy of
   * {@code args}.
   *
   * @throws IllegalArgumentException if no mutator has that name or the args are not JSON
   */
  public void mutate(String name, Map<String, ?> args) {
    Mutator m = mutators.get(name);
    if (m == null) {
      throw new IllegalArgumentException("No mutator named '" + name + "' is registered");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) Values.refOf(args == null ? Map.of() : args, Values.JSON,
        "arguments of mutator " + name);
    run(name, copy, tx -> {
      m.apply(tx, copy);
      return null;
    });
  }

  private <T> T run(String mutator, Object args, Function<Transaction, T> body) {
    Objects.requireNonNull(body, "transaction body");
    T result;
    long position;
    lock.lock();
    try {
      if (current != null) {
        return body.apply(current); // a nested transaction joins the open one
      }
      StoreTransaction tx = new StoreTransaction(this);
      current = tx;
      try {
        result = body.apply(tx);
        tx.checkRequired();
      } catch (RuntimeException | Error e) {
        current = null;
        tx.rollback();
        throw e;
      } finally {
        current = null;
        tx.close();
      }
      position = commit(Origin.LOCAL, replicaId, 0, mutator, args);
    } finally {
      lock.unlock();
    }
    if (position >= 0 && durability == Durability.SYNC) {
      journal.awaitDurable(position);
    }
    return result;
  }

  /**
   * Commits what {@link #undo} holds: builds the changeset if anyone needs it, journals local
   * changesets, appends to the change log and notifies listeners. Returns the journal position,
   * or -1.
   */
  private long commit(Origin origin, String from, long seq, String mutator, Object args) {
    UndoLog u = undo;
    if (u.size == 0) {
      u.reset();
      return -1;
    }
    boolean local = origin == Origin.LOCAL;
    if (local) {
      seq = ++sequence;
      vector.observe(clientId, hlc.hi(), hlc.lo());
      u.coverLocalWrites(clientId, hlc.hi(), hlc.lo());
    }
    Journal j = local ? journal : null;
    Changeset cs = null;
    Object logged = null;
    if (j != null || listeners.wantsChangesets()) {
      cs = new Changeset(from, seq, mutator, args, changesOf(u));
      logged = cs;
    } else if (changeLog.active()) {
      logged = pending.record(this, u, from, seq, mutator, args);
    } else {
      pending.reset();
    }
    List<Runnable> events = listeners.wantsEvents() ? Events.collect(this, u, origin) : null;
    compactTouched(u);
    u.reset();
    long position = -1;
    try {
      if (j != null) {
        position = j.append(cs);
        journalPosition = position;
      }
    } finally {
      // The change is committed in memory either way: tailers and listeners must see it even if
      // the journal failed (the journal's exception then tells the caller it is not durable).
      if (logged != null) {
        changeLog.append(logged);
      }
      if (events != null) {
        for (Runnable r : events) {
          r.run();
        }
      }
      if (cs != null && listeners.wantsChangesets()) {
        listeners.fire(cs, origin);
      }
      fireCommitListeners();
    }
    return position;
  }

  /**
   * Commits a remote merge. If nobody needed it recorded, the undo log is empty and
   * {@link #commit} has nothing to report, but commit listeners must still hear that data changed.
   */
  private void commitRemote(RemoteMerge merge, String from, long seq, String mutator, Object args) {
    boolean recorded = undo.size > 0;
    commit(Origin.REMOTE, from, seq, mutator, args);
    if (!recorded && merge.changed()) {
      fireCommitListeners();
    }
  }

  private void fireCommitListeners() {
    for (Runnable r : commitListeners) {
      r.run();
    }
  }

  private List<Change> changesOf(UndoLog u) {
    Change[] out = new Change[u.size];
    int n = 0;
    for (int i = 0; i < u.size; i++) {
      if (!u.isLatest(i)) {
        continue;
      }
      TableData td = u.table(i);
      int row = u.rows[i];
      int col = u.cols[i];
      Stamp stamp = Stamp.unpack(u.newHis[i], u.newLos[i]);
      Object value = td.value(row, col);
      out[n++] = td == values ? new ValueChange(td.cellId(col), value, stamp)
          : new CellChange(td.id, td.rowId(row), td.cellId(col), value, stamp);
    }
    return List.of(n == out.length ? out : java.util.Arrays.copyOf(out, n));
  }

  private void compactTouched(UndoLog u) {
    TableData last = null;
    for (int i = 0; i < u.size; i++) {
      TableData td = u.table(i);
      if (td != last) {
        maybeCompact(td);
        last = td;
      }
    }
  }

  /** Compacts the table's change index and text arenas where they are mostly garbage; only between transactions. */
  void maybeCompact(TableData td) {
    if (td.index.entries() > 2L * td.presentCells() + 8192) {
      td.index.compact(td);
    }
    td.compactText();
  }

  // ---- durability ---------------------------------------------------------------------------

  /**
   * Attaches the journal that records local changesets durably, and how long writes wait for it.
   * Replaces any journal attached before.
   */
  public void attachJournal(Journal journal, Durability durability) {
    lock.lock();
    try {
      this.journal = Objects.requireNonNull(journal, "journal");
      this.durability = Objects.requireNonNull(durability, "durability");
    } finally {
      lock.unlock();
    }
  }

  /** Detaches {@code journal} if it is the attached one; later commits are not journaled. */
  public void detachJournal(Journal journal) {
    lock.lock();
    try {
      if (this.journal == journal) {
        this.journal = null;
        this.durability = Durability.BATCHED;
        this.journalPosition = -1;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code action} with the store lock held, so no commit interleaves with it: for example
   * to poll a {@link ChangeLog.Tailer} and read {@link #versionVector()} as one consistent step.
   * The action must not block.
   */
  public <T> T atomically(java.util.function.Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** Returns once every local changeset committed so far is durable in the attached journal (no-op without one). */
  public void flush() {
    Journal j;
    long position;
    lock.lock();
    try {
      j = journal;
      position = journalPosition;
    } finally {
      lock.unlock();
    }
    if (j != null && position >= 0) {
      j.awaitDurable(position);
    }
  }

  // ---- writes -------------------------------------------------------------------------------

  public void setCell(String table, String row, String cell, Object value) {
    transaction(tx -> {
      tx.setCell(table, row, cell, value);
    });
  }

  public void delCell(String table, String row, String cell) {
    transaction(tx -> {
      tx.delCell(table, row, cell);
    });
  }

  public void setRow(String table, String row, Map<String, ?> cells) {
    transaction(tx -> {
      tx.setRow(table, row, cells);
    });
  }

  public void setPartialRow(String table, String row, Map<String, ?> cells) {
    transaction(tx -> {
      tx.setPartialRow(table, row, cells);
    });
  }

  public void delRow(String table, String row) {
    transaction(tx -> {
      tx.delRow(table, row);
    });
  }

  public void setTable(String table, Map<String, ? extends Map<String, ?>> rows) {
    transaction(tx -> {
      tx.setTable(table, rows);
    });
  }

  public void delTable(String table) {
    transaction(tx -> {
      tx.delTable(table);
    });
  }

  public void setTables(Map<String, ? extends Map<String, ? extends Map<String, ?>>> tables) {
    transaction(tx -> {
      tx.setTables(tables);
    });
  }

  public void setValue(String id, Object value) {
    transaction(tx -> {
      tx.setValue(id, value);
    });
  }

  public void delValue(String id) {
    transaction(tx -> {
      tx.delValue(id);
    });
  }

  // ---- reads --------------------------------------------------------------------------------

  public Object getCell(String table, String row, String cell) {
    lock.lock();
    try {
      return readCell(table, row, cell);
    } finally {
      lock.unlock();
    }
  }

  public Map<String, Object> getRow(String table, String row) {
    lock.lock();
    try {
      return readRow(table, row);
    } finally {
      lock.unlock();
    }
  }

  public Map<String, Map<String, Object>> getTable(String table) {
    lock.lock();
    try {
      return readTable(table);
    } finally {
      lock.unlock();
    }
  }

  public Map<String, Map<String, Map<String, Object>>> getTables() {
    lock.lock();
    try {
      return readTables();
    } finally {
      lock.unlock();
    }
  }

  public Object getValue(String id) {
    lock.lock();
    try {
      return readValue(id);
    } finally {
      lock.unlock();
    }
  }

  public Map<String, Object> getValues() {
    lock.lock();
    try {
      return readValues();
    } finally {
      lock.unlock();
    }
  }

  public boolean hasRow(String table, String row) {
    lock.lock();
    try {
      TableData td = tables.get(table);
      int r = td == null ? -1 : td.findRow(row);
      return r >= 0 && td.isRowLive(r);
    } finally {
      lock.unlock();
    }
  }

  public boolean hasTable(String table) {
    lock.lock();
    try {
      TableData td = tables.get(table);
      return td != null && td.liveRows() > 0;
    } finally {
      lock.unlock();
    }
  }

  public Set<String> rowIds(String table) {
    lock.lock();
    try {
      return readRowIds(table);
    } finally {
      lock.unlock();
    }
  }

  public Set<String> tableIds() {
    lock.lock();
    try {
      return readTableIds();
    } finally {
      lock.unlock();
    }
  }

  Object readCell(String table, String row, String cell) {
    TableData td = tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    if (r < 0) {
      return null;
    }
    int c = td.findColumn(cell);
    Object v = c < 0 ? null : td.value(r, c);
    if (v == null && schema != null && td.isRowLive(r)) {
      Map<String, CellSchema> rules = schema.table(table);
      CellSchema rule = rules == null ? null : rules.get(cell);
      return rule == null ? null : rule.defaultValue();
    }
    return v;
  }

  Map<String, Object> readRow(String table, String row) {
    TableData td = tables.get(table);
    int r = td == null ? -1 : td.findRow(row);
    if (r < 0 || !td.isRowLive(r)) {
      return Map.of();
    }
    return rowMap(td, r);
  }

  private Map<String, Object> rowMap(TableData td, int r) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int c = 0; c < td.columnCount(); c++) {
      Object v = td.value(r, c);
      if (v != null) {
        m.put(td.cellId(c), v);
      }
    }
    Map<String, CellSchema> rules = schema == null ? null : schema.table(td.id);
    if (rules != null) {
      rules.forEach((cell, rule) -> {
        if (rule.defaultValue() != null) {
          m.putIfAbsent(cell, rule.defaultValue());
        }
      });
    }
    return Collections.unmodifiableMap(m);
  }

  Map<String, Map<String, Object>> readTable(String table) {
    TableData td = tables.get(table);
    if (td == null || td.liveRows() == 0) {
      return Map.of();
    }
    LinkedHashMap<String, Map<String, Object>> m = new LinkedHashMap<>();
    for (int r = 0; r < td.rowCount(); r++) {
      if (td.isRowLive(r)) {
        m.put(td.rowId(r), rowMap(td, r));
      }
    }
    return Collections.unmodifiableMap(m);
  }

  Map<String, Map<String, Map<String, Object>>> readTables() {
    LinkedHashMap<String, Map<String, Map<String, Object>>> m = new LinkedHashMap<>();
    for (TableData td : tables.values()) {
      if (td.liveRows() > 0) {
        m.put(td.id, readTable(td.id));
      }
    }
    return Collections.unmodifiableMap(m);
  }

  Object readValue(String id) {
    int c = values.findColumn(id);
    Object v = c < 0 ? null : values.value(valuesRow, c);
    if (v == null && schema != null) {
      CellSchema rule = schema.value(id);
      return rule == null ? null : rule.defaultValue();
    }
    return v;
  }

  Map<String, Object> readValues() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int c = 0; c < values.columnCount(); c++) {
      Object v = values.value(valuesRow, c);
      if (v != null) {
        m.put(values.cellId(c), v);
      }
    }
    if (schema != null) {
      schema.values().forEach((id, rule) -> {
        if (rule.defaultValue() != null) {
          m.putIfAbsent(id, rule.defaultValue());
        }
      });
    }
    return Collections.unmodifiableMap(m);
  }

  Set<String> readRowIds(String table) {
    TableData td = tables.get(table);
    if (td == null) {
      return Set.of();
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (int r = 0; r < td.rowCount(); r++) {
      if (td.isRowLive(r)) {
        ids.add(td.rowId(r));
      }
    }
    return Collections.unmodifiableSet(ids);
  }

  Set<String> readTableIds() {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (TableData td : tables.values()) {
      if (td.liveRows() > 0) {
        ids.add(td.id);
      }
    }
    return Collections.unmodifiableSet(ids);
  }

  /** The table's storage, created if absent. Caller holds the lock. */
  TableData tableForWrite(String table) {
    TableData td = lastTable;
    if (td != null && (td.id == table || td.id.equals(table))) {
      return td;
    }
    td = tables.computeIfAbsent(table, TableData::new);
    lastTable = td;
    return td;
  }

  // ---- listeners ----------------------------------------------------------------------------

  /** Listens to cell changes; {@code null} for table, row or cell matches any. */
  public Subscription addCellListener(String table, String row, String cell, CellListener listener) {
    return listeners.addCell(table, row, cell, listener);
  }

  /** Listens to rows that had any cell change; {@code null} matches any. */
  public Subscription addRowListener(String table, String row, RowListener listener) {
    return listeners.addRow(table, row, listener);
  }

  /** Listens to tables that had any cell change; {@code null} matches any. */
  public Subscription addTableListener(String table, TableListener listener) {
    return listeners.addTable(table, listener);
  }

  /** Listens to value changes; {@code null} matches any value. */
  public Subscription addValueListener(String id, ValueListener listener) {
    return listeners.addValue(id, listener);
  }

  /** Listens to every committed changeset, local and remote. */
  public Subscription addChangesetListener(ChangesetListener listener) {
    return listeners.addChangeset(listener);
  }

  /**
   * Runs {@code callback} after every commit that changed something, local or remote, on the
   * committing thread with the store lock held. Unlike the other listeners it is told nothing
   * and costs the commit nothing to prepare: it suits a consumer that only needs to know when to
   * look, such as a persister that saves {@link #deltaSince} its last save. Keep it short:
   * schedule work, do not do it.
   */
  public Subscription addCommitListener(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    lock.lock();
    try {
      Runnable[] next = java.util.Arrays.copyOf(commitListeners, commitListeners.length + 1);
      next[next.length - 1] = callback;
      commitListeners = next;
    } finally {
      lock.unlock();
    }
    return () -> {
      lock.lock();
      try {
        List<Runnable> rest = new java.util.ArrayList<>(List.of(commitListeners));
        rest.remove(callback);
        commitListeners = rest.toArray(new Runnable[0]);
      } finally {
        lock.unlock();
      }
    };
  }

  // ---- sync ---------------------------------------------------------------------------------

  /** What this replica's state is known to contain; see {@link VersionVector}. */
  public VersionVector versionVector() {
    lock.lock();
    try {
      return vector.snapshot();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every cell and value newer than {@code other} says for its writer: applied to a replica
   * whose version vector is {@code other}, it makes that replica contain all of this one. Its
   * cost grows with the number of cells changed since {@code other}, not with the store.
   */
  public Delta deltaSince(VersionVector other) {
    Objects.requireNonNull(other, "version vector");
    lock.lock();
    try {
      return DeltaEncoder.encode(this, other, vector.snapshot());
    } finally {
      lock.unlock();
    }
  }

  /** The whole state: {@code deltaSince(VersionVector.EMPTY)}. */
  public Delta fullState() {
    return deltaSince(VersionVector.EMPTY);
  }

  /**
   * Merges a delta from another replica. Listeners see the cells that changed as
   * {@link Origin#REMOTE}; afterwards this store's version vector covers the delta's.
   *
   * @throws ClockSkewException if a stamp is further ahead of the local clock than allowed;
   *     nothing is applied
   * @throws SchemaViolationException if a cell breaks the schema; nothing is applied
   */
  public void applyDelta(Delta delta) {
    merge(delta, true);
  }

  /**
   * Merges a delta read back from this device's own storage: exactly like {@link #applyDelta}
   * but without the clock-skew check, so a store saved before the device's clock was set back
   * still loads. The clock moves past the newest stamp loaded. Persisters use this in
   * {@link Persister#load()}; data from the network must go through {@link #applyDelta}.
   */
  public void restore(Delta delta) {
    merge(delta, false);
  }

  private void merge(Delta delta, boolean checkSkew) {
    Objects.requireNonNull(delta, "delta");
    lock.lock();
    try {
      if (current != null) {
        throw new IllegalStateException("Cannot apply a delta inside a transaction");
      }
      RemoteMerge merge = new RemoteMerge(this, true);
      if (isPristine()) {
        mergeIntoPristine(delta, merge, checkSkew);
      } else {
        if (checkSkew) {
          checkSkew(delta.maxMillis(), "Delta from replica '" + delta.source() + "'");
        }
        if (schema != null) {
          delta.read(new RemoteMerge(this, false), true, true);
        }
        delta.read(merge, true, true);
      }
      merge.finish();
      vector.merge(delta.version());
      commitRemote(merge, delta.source(), 0, null, null);
    } finally {
      lock.unlock();
    }
  }

  /** True if the store holds no table, no value and no open change: a delta can load in one pass. */
  private boolean isPristine() {
    return tables.isEmpty() && values.columnCount() == 0 && undo.size == 0;
  }

  /**
   * Validates and applies {@code delta} in a single read, for a store that holds nothing yet (a
   * full state being loaded). If the delta turns out invalid, breaks the schema or is too far
   * ahead of the clock, everything the read wrote is dropped again, so the store is as before.
   */
  private void mergeIntoPristine(Delta delta, RemoteMerge merge, boolean checkSkew) {
    try {
      Delta.Summary read = delta.read(merge, true, true);
      if (checkSkew) {
        checkSkew(read.maxMillis(), "Delta from replica '" + delta.source() + "'");
      }
    } catch (RuntimeException | Error e) {
      tables.clear();
      lastTable = null;
      values.clear();
      undo.reset();
      seenCount = 1; // only this replica's own client, noted by the constructor
      lastSeenClient = -1;
      throw e;
    }
  }

  /**
   * Merges a changeset made on another replica. Listeners see what changed as
   * {@link Origin#REMOTE}. The version vector does not move (a single changeset does not prove
   * that its writer's earlier changes arrived); the next delta exchange covers it.
   *
   * @throws ClockSkewException if a stamp is too far ahead; nothing is applied
   * @throws SchemaViolationException if a change breaks the schema; nothing is applied
   */
  public void applyChangeset(Changeset changeset) {
    Objects.requireNonNull(changeset, "changeset");
    lock.lock();
    try {
      if (current != null) {
        throw new IllegalStateException("Cannot apply a changeset inside a transaction");
      }
      long max = 0;
      for (Change c : changeset.changes()) {
        max = Math.max(max, c.stamp().millis());
      }
      checkSkew(max, "Changeset " + changeset.sequence() + " from replica '" + changeset.origin() + "'");
      RemoteMerge check = new RemoteMerge(this, false);
      check.changes(changeset.changes());
      RemoteMerge merge = new RemoteMerge(this, true);
      merge.changes(changeset.changes());
      merge.finish();
      commitRemote(merge, changeset.origin(), changeset.sequence(), changeset.mutator(), changeset.args());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-applies a changeset this replica made before a restart, read back from its journal. The
   * cells merge as usual, the clock, version vector and sequence move past it, and the whole
   * changeset is appended to the change log as a local one (even if the persisted state already
   * held it), so the sync tailer sends it again: pending writes survive a crash. It is not
   * journaled again. Listeners see what actually changed, as {@link Origin#LOCAL}.
   *
   * @throws IllegalArgumentException if the changeset's origin is another replica
   */
  public void replayLocal(Changeset changeset) {
    Objects.requireNonNull(changeset, "changeset");
    if (!changeset.origin().equals(replicaId)) {
      throw new IllegalArgumentException("Changeset " + changeset.sequence() + " was made by replica '"
          + changeset.origin() + "', not by this replica '" + replicaId + "'; use applyChangeset");
    }
    lock.lock();
    try {
      if (current != null) {
        throw new IllegalStateException("Cannot replay a changeset inside a transaction");
      }
      RemoteMerge merge = new RemoteMerge(this, true);
      merge.changes(changeset.changes());
      merge.finish();
      for (Change c : changeset.changes()) {
        vector.observe(clientId, c.stamp().hi(), c.stamp().lo());
      }
      sequence = Math.max(sequence, changeset.sequence());
      List<Runnable> events = listeners.wantsEvents() ? Events.collect(this, undo, Origin.LOCAL) : null;
      compactTouched(undo);
      undo.reset();
      changeLog.append(changeset);
      if (events != null) {
        events.forEach(Runnable::run);
      }
      if (listeners.wantsChangesets()) {
        listeners.fire(changeset, Origin.LOCAL);
      }
      fireCommitListeners();
    } finally {
      lock.unlock();
    }
  }

  private void checkSkew(long maxMillis, String what) {
    long now = hlc.wallMillis();
    if (maxMillis > now + maxSkewMillis) {
      throw new ClockSkewException(what + " carries a stamp at " + Instant.ofEpochMilli(maxMillis) + ", "
          + (maxMillis - now) + " ms ahead of the local clock (" + Instant.ofEpochMilli(now) + "); the limit is "
          + maxSkewMillis + " ms. Nothing was applied.");
    }
  }

  /** Records that stamps of {@code client} are held, for the client table of deltas. */
  void noteClient(int client) {
    if (client == lastSeenClient) {
      return;
    }
    lastSeenClient = client;
    for (int i = 0; i < seenCount; i++) {
      if (seenClients[i] == client) {
        return;
      }
    }
    if (seenCount == seenClients.length) {
      seenClients = java.util.Arrays.copyOf(seenClients, seenCount * 2);
    }
    seenClients[seenCount++] = client;
  }

  static void checkId(String id, String what) {
    if (id == null) {
      throw new IllegalArgumentException("The " + what + " must not be null");
    }
    if (id.isEmpty()) {
      throw new IllegalArgumentException("The " + what + " must not be empty");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("The " + what + " is " + id.length() + " chars long, over the limit of "
          + MAX_ID_LENGTH + ": '" + id.substring(0, 32) + "...'");
    }
  }

  @Override
  public String toString() {
    return "Store[" + replicaId + "]";
  }

  /** Settings for a new {@link Store}. */
  public static final class Builder {
    private String replicaId;
    private Clock clock = Clock.systemUTC();
    private Schema schema;
    private long maxClockSkew = DEFAULT_MAX_CLOCK_SKEW_MILLIS;
    private long sequence;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

    private Builder() {}

    /**
     * The largest string (in UTF-8 bytes) or JSON value (in encoded bytes) a local write may
     * store (default {@value #DEFAULT_MAX_VALUE_BYTES}); larger writes are refused so that every
     * cell fits a sync frame.
     */
    public Builder maxValueBytes(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxValueBytes must be at least 64, was " + bytes);
      }
      this.maxValueBytes = bytes;
      return this;
    }

    /** The stable id of this replica (default: a random UUID). Its FNV-1a hash orders ties. */
    public Builder replicaId(String replicaId) {
      checkId(replicaId, "replica id");
      this.replicaId = replicaId;
      return this;
    }

    /** The wall clock behind the hybrid logical clock (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder schema(Schema schema) {
      this.schema = schema;
      return this;
    }

    /** How far ahead of the local clock a remote stamp may be (default 5 minutes). */
    public Builder maxClockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("maxClockSkew must not be negative, was " + skew);
      }
      this.maxClockSkew = skew.toMillis();
      return this;
    }

    /** The sequence number of the last local changeset already made (when reopening a persisted store). */
    public Builder lastSequence(long sequence) {
      if (sequence < 0) {
        throw new IllegalArgumentException("lastSequence must not be negative, was " + sequence);
      }
      this.sequence = sequence;
      return this;
    }

    public Store build() {
      return new Store(this);
    }
  }
}

package io.syncline.persist.sqlite;

import static io.syncline.persist.sqlite.internal.SqliteFormat.BOOLEAN;
import static io.syncline.persist.sqlite.internal.SqliteFormat.DOUBLE;
import static io.syncline.persist.sqlite.internal.SqliteFormat.INTEGER;
import static io.syncline.persist.sqlite.internal.SqliteFormat.JSON;
import static io.syncline.persist.sqlite.internal.SqliteFormat.STRING;
import static io.syncline.persist.sqlite.internal.SqliteFormat.TOMBSTONE;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.CorruptDataException;
import io.syncline.core.Stamp;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
import io.syncline.persist.sqlite.internal.JsonText;
import io.syncline.persist.sqlite.internal.SqliteFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQL layer of Syncline's SQLite storage: one database file in WAL mode holding stamped
 * cells and values (layout in {@link SqliteFormat}), written last-writer-wins per cell and read
 * whole, by table, by row range, or incrementally by change counter. {@link SqlitePersister}
 * binds it to one store; a server can hold one per hosted store.
 *
 * <p><b>Integrity.</b> A new database is built under a temporary name and linked into place
 * complete, so a file at the database path is never legitimately empty or foreign; opening
 * checks the SQLite header, the magic ({@code application_id}), the format version and, when no
 * write-ahead log is pending, that the file is as long as its header says. A file that fails any
 * check, or that SQLite reports as corrupt while reading, raises {@link CorruptDatabaseException}.
 *
 * <p><b>Writes</b> run in one {@code BEGIN IMMEDIATE} transaction each: a cell replaces the stored
 * one only if its stamp is larger, the stored version vector becomes the entry-wise maximum of
 * the stored one and the caller's, and the change counter advances if anything changed. Several
 * processes may share one file: SQLite serialises their writes and the merge is commutative.
 *
 * <p><b>Threads.</b> Not thread-safe: one thread at a time (the persister's worker). Every public
 * method throws {@link SqliteStoreException} naming the file instead of {@code SQLException}.
 */
public final class SqliteCellStore implements AutoCloseable {
  /** How hard a commit waits for the disk ({@code PRAGMA synchronous}). */
  public enum Sync {
    /** Durable against a process crash; the last commits may be lost on power failure. */
    NORMAL,
    /** Every commit is fsynced before it returns (default): durable against power failure. */
    FULL
  }

  /**
   * What a read saw, all from one read transaction.
   *
   * @param changes cells (as {@link CellChange}) then values, tombstones included
   * @param version the stored version vector
   * @param changeCounter the change counter: rows written later have {@code seq > changeCounter}
   */
  public record Snapshot(List<Change> changes, VersionVector version, long changeCounter) {}

  /**
   * The outcome of {@link #write}.
   *
   * @param previousCounter the change counter before the write
   * @param changeCounter the change counter after it (equal if nothing changed)
   * @param rowsChanged cells and values inserted or replaced
   */
  public record WriteResult(long previousCounter, long changeCounter, int rowsChanged) {}

  private static final int BATCH = 1024;

  private final Path file;
  private final Connection connection;
  private PreparedStatement upsertCell;
  private PreparedStatement upsertValue;
  private boolean closed;

  private SqliteCellStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if absent) the database at {@code file} with {@link Sync#FULL}. */
  public static SqliteCellStore open(Path file) {
    return open(file, Sync.FULL);
  }

  /**
   * Opens the database at {@code file}, creating it (and its directory) if absent.
   *
   * @throws CorruptDatabaseException if the file exists but is not a readable Syncline database
   * @throws SqliteStoreException if it cannot be created or opened
   */
  public static SqliteCellStore open(Path file, Sync sync) {
    Objects.requireNonNull(sync, "sync");
    Path abs = Objects.requireNonNull(file, "file").toAbsolutePath();
    try {
      if (!Files.exists(abs)) {
        create(abs);
      }
      checkHeader(abs);
    } catch (IOException e) {
      throw new SqliteStoreException(abs, "Could not open the database file " + abs + ": " + e, e);
    }
    Connection c = null;
    try {
      c = connect(abs, false);
      SqliteCellStore store = new SqliteCellStore(abs, c);
      store.checkFormat();
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = " + sync.name());
      }
      return store;
    } catch (SQLException e) {
      closeQuietly(c);
      throw failure(abs, "open", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** The database file (absolute). */
  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Every cell, value and tombstone, with the stored version vector, in one read transaction. */
  public Snapshot readAll() {
    return read(null);
  }

  /** Everything written after the reader saw change counter {@code counter} (all rows for -1). */
  public Snapshot readSince(long counter) {
    return read(counter);
  }

  private Snapshot read(Long since) {
    String filter = since == null ? "" : " WHERE seq > " + since.longValue();
    try (Statement s = connection.createStatement()) {
      s.execute("BEGIN");
      try {
        VersionVector version = storedVersion();
        long counter = changeCounter();
        List<Change> changes = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(SqliteFormat.CELL_COLUMNS + filter)) {
          readCells(rs, changes);
        }
        try (ResultSet rs = s.executeQuery(SqliteFormat.VALUE_COLUMNS + filter)) {
          readValues(rs, changes);
        }
        return new Snapshot(changes, version, counter);
      } finally {
        s.execute("COMMIT");
      }
    } catch (SQLException e) {
      throw failure(file, "read", e);
    }
  }

  /** The cells of table {@code table}, tombstones included, ordered by row and cell id. */
  public List<CellChange> readTable(String table) {
    return readRange(table, "", null);
  }

  /**
   * The cells of the rows of {@code table} whose ids sort (by UTF-8 bytes) in
   * {@code [fromRow, toRow)}; {@code toRow == null} means no upper bound.
   */
  public List<CellChange> readRows(String table, String fromRow, String toRow) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(fromRow, "fromRow");
    return readRange(table, fromRow, toRow);
  }

  private List<CellChange> readRange(String table, String from, String to) {
    String sql = SqliteFormat.CELL_COLUMNS + " WHERE table_id = ? AND row_id >= ?"
        + (to == null ? "" : " AND row_id < ?") + " ORDER BY table_id, row_id, cell_id";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, table);
      ps.setString(2, from);
      if (to != null) {
        ps.setString(3, to);
      }
      List<Change> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        readCells(rs, out);
      }
      List<CellChange> cells = new ArrayList<>(out.size());
      out.forEach(c -> cells.add((CellChange) c));
      return cells;
    } catch (SQLException e) {
      throw failure(file, "read table '" + table + "' from", e);
    }
  }

  private void readCells(ResultSet rs, List<Change> out) throws SQLException {
    String table = null;
    String row = null;
    Map<String, String> cellIds = new HashMap<>();
    while (rs.next()) {
      String t = rs.getString(1);
      table = t.equals(table) ? table : t;
      String r = rs.getString(2);
      row = r.equals(row) ? row : r;
      String cell = cellIds.computeIfAbsent(rs.getString(3), k -> k);
      long tag = rs.getLong(6);
      try {
        out.add(new CellChange(table, row, cell, value(rs, 4, tag), stamp(rs.getLong(5), tag)));
      } catch (BadRow e) {
        throw corrupt("the cell '" + cell + "' of row '" + row + "' of table '" + table + "' " + e.getMessage(), e);
      }
    }
  }

  private void readValues(ResultSet rs, List<Change> out) throws SQLException {
    while (rs.next()) {
      String id = rs.getString(1);
      long tag = rs.getLong(4);
      try {
        out.add(new ValueChange(id, value(rs, 2, tag), stamp(rs.getLong(3), tag)));
      } catch (BadRow e) {
        throw corrupt("the value '" + id + "' " + e.getMessage(), e);
      }
    }
  }

  /** A row that does not decode; the caller names it in a {@link CorruptDatabaseException}. */
  private static final class BadRow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRow(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** The value in column {@code col}, of the kind (and nullness) in {@code tag}. */
  private static Object value(ResultSet rs, int col, long tag) throws SQLException {
    int kind = (int) (tag & 127);
    if (kind == SqliteFormat.KIND_OUT_OF_RANGE) {
      throw new BadRow("has a kind outside 0..126", null);
    }
    if (kind != TOMBSTONE && (tag & 128) != 0) {
      throw new BadRow("has kind " + kind + " but no value", null);
    }
    return switch (kind) {
      case TOMBSTONE -> null;
      case STRING -> rs.getString(col);
      case INTEGER -> rs.getLong(col);
      case DOUBLE -> rs.getDouble(col);
      case BOOLEAN -> rs.getInt(col) != 0;
      case JSON -> json(rs.getString(col));
      default -> throw new BadRow("has the unknown kind " + kind, null);
    };
  }

  private static Object json(String text) {
    if (text == null) {
      return null; // reported by the caller
    }
    try {
      return JsonText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRow("holds invalid JSON: " + e.getMessage(), e);
    }
  }

  private static Stamp stamp(long hi, long tag) {
    if ((tag & 256) != 0) {
      throw new BadRow("has a stamp (millis, counter, client) outside its 42-, 24- and 30-bit ranges", null);
    }
    return Stamp.unpack(hi, (int) (tag >>> 9));
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /** {@link #write(Collection, VersionVector, String, long)} without a sequence number. */
  public WriteResult write(Collection<? extends Change> changes, VersionVector version) {
    return write(changes, version, null, 0);
  }

  /**
   * Stores {@code changes} last-writer-wins, merges {@code version} into the stored vector and
   * raises the stored last sequence of {@code replicaId} (if not null) to {@code sequence}, in one
   * durable transaction; commits nothing if nothing would change.
   *
   * <p>{@code version} must be sound for what the database holds afterwards (see
   * {@link io.syncline.core.Delta}): pass {@link VersionVector#EMPTY} for a partial set of changes.
   */
  public WriteResult write(Collection<? extends Change> changes, VersionVector version, String replicaId,
      long sequence) {
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(version, "version");
    try (Statement s = connection.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean committed = false;
      try {
        long previous = changeCounter();
        long next = previous + 1;
        int rows = upsert(changes, next);
        VersionVector stored = storedVersion();
        VersionVector merged = stored.merge(version);
        boolean vectorChanged = !merged.equals(stored);
        boolean sequenceChanged = replicaId != null && sequence > lastSequence(replicaId);
        if (rows == 0 && !vectorChanged && !sequenceChanged) {
          return new WriteResult(previous, previous, 0);
        }
        if (vectorChanged) {
          putMeta(SqliteFormat.META_VERSION_VECTOR, merged.encode());
        }
        if (sequenceChanged) {
          putMeta(SqliteFormat.META_SEQUENCE_PREFIX + replicaId, sequence);
        }
        putMeta(SqliteFormat.META_CHANGE_COUNTER, next);
        s.execute("COMMIT");
        committed = true;
        return new WriteResult(previous, next, rows);
      } finally {
        if (!committed) {
          rollbackQuietly(s);
        }
      }
    } catch (SQLException e) {
      throw failure(file, "write", e);
    }
  }

  private int upsert(Collection<? extends Change> changes, long seq) throws SQLException {
    if (upsertCell == null || upsertValue == null) {
      // both or neither: a failed preparation (say, a missing table) is retried by the next write
      PreparedStatement cell = connection.prepareStatement(SqliteFormat.UPSERT_CELL);
      try {
        upsertValue = connection.prepareStatement(SqliteFormat.UPSERT_VALUE);
      } catch (SQLException e) {
        cell.close();
        throw e;
      }
      if (upsertCell != null) {
        upsertCell.close();
      }
      upsertCell = cell;
    }
    int rows = 0;
    int cells = 0;
    int values = 0;
    for (Change change : changes) {
      if (change instanceof CellChange c) {
        upsertCell.setString(1, c.table());
        upsertCell.setString(2, c.row());
        upsertCell.setString(3, c.cell());
        bind(upsertCell, 4, c);
        upsertCell.setLong(9, seq);
        upsertCell.addBatch();
        if (++cells % BATCH == 0) {
          rows += sum(upsertCell.executeBatch());
        }
      } else if (change instanceof ValueChange v) {
        upsertValue.setString(1, v.id());
        bind(upsertValue, 2, v);
        upsertValue.setLong(7, seq);
        upsertValue.addBatch();
        if (++values % BATCH == 0) {
          rows += sum(upsertValue.executeBatch());
        }
      }
    }
    rows += sum(upsertCell.executeBatch());
    rows += sum(upsertValue.executeBatch());
    return rows;
  }

  /** Binds kind, value, millis, counter and client from parameter {@code at} on. */
  private static void bind(PreparedStatement ps, int at, Change change) throws SQLException {
    Object v = change.value();
    if (v == null) {
      ps.setInt(at, TOMBSTONE);
      ps.setNull(at + 1, java.sql.Types.NULL);
    } else if (v instanceof String s) {
      ps.setInt(at, STRING);
      ps.setString(at + 1, s);
    } else if (v instanceof Double || v instanceof Float) {
      ps.setInt(at, DOUBLE);
      ps.setDouble(at + 1, ((Number) v).doubleValue());
    } else if (v instanceof Number n) {
      ps.setInt(at, INTEGER);
      ps.setLong(at + 1, n.longValue());
    } else if (v instanceof Boolean b) {
      ps.setInt(at, BOOLEAN);
      ps.setInt(at + 1, b ? 1 : 0);
    } else {
      ps.setInt(at, JSON);
      ps.setString(at + 1, JsonText.write(v));
    }
    Stamp st = change.stamp();
    ps.setLong(at + 2, st.millis());
    ps.setInt(at + 3, st.counter());
    ps.setInt(at + 4, st.clientId());
  }

  private static int sum(int[] counts) {
    int n = 0;
    for (int c : counts) {
      n += Math.max(0, c);
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Meta

  /** The stored version vector ({@link VersionVector#EMPTY} for a new database). */
  public VersionVector version() {
    try {
      return storedVersion();
    } catch (SQLException e) {
      throw failure(file, "read the version vector of", e);
    }
  }

  /** The change counter: how many write transactions changed something. */
  public long changeCounter() {
    try {
      Object v = meta(SqliteFormat.META_CHANGE_COUNTER);
      return v == null ? 0 : ((Number) v).longValue();
    } catch (SQLException | ClassCastException e) {
      throw e instanceof SQLException se ? failure(file, "read the change counter of", se)
          : corrupt("its change counter is not a number");
    }
  }

  /** The last local sequence number stored for {@code replicaId}, 0 if none. */
  public long lastSequence(String replicaId) {
    try {
      Object v = meta(SqliteFormat.META_SEQUENCE_PREFIX + replicaId);
      return v == null ? 0 : ((Number) v).longValue();
    } catch (SQLException e) {
      throw failure(file, "read the sequence of replica '" + replicaId + "' from", e);
    }
  }

  /**
   * SQLite's {@code PRAGMA data_version}: changes whenever another connection (in this process or
   * another) commits to the file. Cheap: no page is read.
   */
  public long dataVersion() {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(file, "poll", e);
    }
  }

  /**
   * Runs SQLite's full {@code PRAGMA integrity_check}.
   *
   * @throws CorruptDatabaseException listing the first problems found
   */
  public void verify() {
    List<String> problems = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check(10)")) {
      while (rs.next()) {
        problems.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw failure(file, "verify", e);
    }
    if (!problems.equals(List.of("ok"))) {
      throw corrupt("SQLite's integrity check reports: " + String.join("; ", problems));
    }
  }

  private VersionVector storedVersion() throws SQLException {
    Object v = meta(SqliteFormat.META_VERSION_VECTOR);
    if (v == null) {
      return VersionVector.EMPTY;
    }
    if (!(v instanceof byte[] bytes)) {
      throw corrupt("its stored version vector is not a blob");
    }
    try {
      return VersionVector.decode(bytes);
    } catch (CorruptDataException e) {
      throw new CorruptDatabaseException(file, "The database file " + file + " holds a damaged version vector: "
          + e.getMessage(), e);
    }
  }

  private Object meta(String key) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  private void putMeta(String key, Object value) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setObject(2, value);
      ps.executeUpdate();
    }
  }

  /** Closes the connection; idempotent. A clean close checkpoints and removes the WAL file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (upsertCell != null) {
        upsertCell.close();
        upsertValue.close();
      }
      connection.close();
    } catch (SQLException e) {
      throw failure(file, "close", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Opening and creating

  private void checkFormat() throws SQLException {
    try (Statement s = connection.createStatement()) {
      int magic = intPragma(s, "application_id");
      if (magic != SqliteFormat.MAGIC) {
        throw corrupt("it is an SQLite database but not a Syncline one (application_id 0x"
            + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(SqliteFormat.MAGIC) + ")");
      }
      int version = intPragma(s, "user_version");
      if (version < SqliteFormat.MIN_VERSION || version > SqliteFormat.VERSION) {
        throw corrupt("it has format version " + version + "; this reader supports versions "
            + SqliteFormat.MIN_VERSION + " to " + SqliteFormat.VERSION);
      }
      Object name = meta(SqliteFormat.META_FORMAT);
      if (!SqliteFormat.FORMAT_NAME.equals(name)) {
        throw corrupt("its meta table names the format '" + name + "', not '" + SqliteFormat.FORMAT_NAME + "'");
      }
    }
  }

  private static int intPragma(Statement s, String pragma) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Builds a complete empty database under a temporary name and links it into place. */
  private static void create(Path file) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".init-" + UUID.randomUUID());
    try {
      try (Connection c = connect(tmp, true); Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("BEGIN IMMEDIATE");
        for (String ddl : SqliteFormat.SCHEMA) {
          s.execute(ddl);
        }
        s.execute("PRAGMA application_id = " + SqliteFormat.MAGIC);
        s.execute("PRAGMA user_version = " + SqliteFormat.VERSION);
        s.execute("INSERT INTO meta (key, value) VALUES ('" + SqliteFormat.META_FORMAT + "', '"
            + SqliteFormat.FORMAT_NAME + "'), ('" + SqliteFormat.META_CHANGE_COUNTER + "', 0)");
        s.execute("COMMIT");
      } catch (SQLException e) {
        throw new SqliteStoreException(file, "Could not create the database file " + file + ": " + e.getMessage(), e);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        // Another process created it first; use theirs.
      } catch (UnsupportedOperationException e) {
        try {
          Files.move(tmp, file);
        } catch (FileAlreadyExistsException e2) {
          // Another process created it first; use theirs.
        }
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
      Files.deleteIfExists(dir.resolve(tmp.getFileName() + "-wal"));
      Files.deleteIfExists(dir.resolve(tmp.getFileName() + "-shm"));
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename is still atomic there.
    }
  }

  /**
   * Checks what SQLite would otherwise discover late or not at all: an empty file, a file that is
   * not SQLite, and (when no WAL is pending) a file shorter than its header says.
   */
  private static void checkHeader(Path file) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      throw new CorruptDatabaseException(file, "The database file " + file + " is empty (0 bytes). A Syncline "
          + "database is created complete and is never empty, so the file was truncated or replaced.");
    }
    byte[] header = new byte[100];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(header, 0, header.length);
    }
    String magic = new String(header, 0, Math.min(n, 16), java.nio.charset.StandardCharsets.ISO_8859_1);
    if (n < 100 || !magic.equals("SQLite format 3\0")) {
      throw new CorruptDatabaseException(file, "The database file " + file + " is not an SQLite database ("
          + size + " bytes" + (n < 100 ? ", shorter than the 100-byte header" : ", no SQLite header") + ").");
    }
    ByteBuffer b = ByteBuffer.wrap(header);
    int pageSize = b.getShort(16) & 0xFFFF;
    pageSize = pageSize == 1 ? 65536 : pageSize;
    long pages = b.getInt(28) & 0xFFFFFFFFL;
    boolean sizeValid = pages != 0 && b.getInt(24) == b.getInt(92);
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    boolean walPending = Files.exists(wal) && Files.size(wal) > 0;
    if (!walPending && (size % pageSize != 0 || (sizeValid && size < pages * pageSize))) {
      throw new CorruptDatabaseException(file, "The database file " + file + " is truncated: it has " + size
          + " bytes, but its header describes " + (sizeValid ? pages + " pages of " : "pages of ") + pageSize
          + " bytes.");
    }
  }

  private static Connection connect(Path file, boolean create) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    if (!create) {
      config.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    config.setBusyTimeout(10_000);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  private CorruptDatabaseException corrupt(String what) {
    return corrupt(what, null);
  }

  private CorruptDatabaseException corrupt(String what, Throwable cause) {
    return new CorruptDatabaseException(file, "The database file " + file + " is not a readable Syncline "
        + "database: " + what + ".", cause);
  }

  /** Wraps an {@code SQLException}; SQLite's CORRUPT and NOTADB become {@link CorruptDatabaseException}. */
  static SqliteStoreException failure(Path file, String what, SQLException e) {
    int code = e.getErrorCode() & 0xFF;
    if (code == 11 || code == 26) {
      return new CorruptDatabaseException(file, "The database file " + file + " is damaged or not a database; "
          + "could not " + what + " it: " + e.getMessage(), e);
    }
    return new SqliteStoreException(file, "Could not " + what + " the database file " + file + ": "
        + e.getMessage(), e);
  }

  private static void rollbackQuietly(Statement s) {
    try {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      // No transaction open (BEGIN failed) or already rolled back by SQLite.
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // Already failing; the first exception is the one reported.
      }
    }
  }
}

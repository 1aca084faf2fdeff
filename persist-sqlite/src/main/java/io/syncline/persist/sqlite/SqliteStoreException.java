package io.syncline.persist.sqlite;

import io.syncline.core.SynclineException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Root of the unchecked exceptions of the SQLite persistence module: a database file could not be
 * opened, read or written. The message names the file; the underlying cause (usually an
 * {@code SQLException} or {@code IOException}) is attached.
 */
public class SqliteStoreException extends SynclineException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  public SqliteStoreException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  public SqliteStoreException(Path file, String message) {
    this(file, message, null);
  }

  /** The database file at fault. */
  public Path file() {
    return file;
  }
}

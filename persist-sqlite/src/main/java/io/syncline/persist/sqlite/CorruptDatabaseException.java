package io.syncline.persist.sqlite;

import java.nio.file.Path;

/**
 * A database file is not a readable Syncline database: empty, truncated, not SQLite at all,
 * damaged ({@code SQLITE_CORRUPT}), of another application, of a newer format version, or holding
 * a row that does not decode. Nothing from the damaged part was applied to any store.
 */
public final class CorruptDatabaseException extends SqliteStoreException {
  private static final long serialVersionUID = 1L;

  public CorruptDatabaseException(Path file, String message, Throwable cause) {
    super(file, message, cause);
  }

  public CorruptDatabaseException(Path file, String message) {
    super(file, message);
  }
}

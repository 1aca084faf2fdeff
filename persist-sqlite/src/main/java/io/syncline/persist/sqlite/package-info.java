/**
 * Persists a Syncline store in an SQLite database in WAL mode, one row per cell with its stamp:
 * {@link io.syncline.persist.sqlite.SqlitePersister} binds a store to a database file, and
 * {@link io.syncline.persist.sqlite.SqliteCellStore} is the reusable SQL layer beneath it.
 *
 * <p>No {@code SQLException} leaves this package: failures surface as
 * {@link io.syncline.persist.sqlite.SqliteStoreException} naming the database file.
 */
package io.syncline.persist.sqlite;

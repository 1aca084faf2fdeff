package io.syncline.persist.sqlite.internal;

import java.util.List;

/**
 * The layout of a Syncline SQLite database, format version {@value #VERSION}.
 *
 * <p>The SQLite header carries the magic ({@code PRAGMA application_id} = {@value #MAGIC}, "SYNC")
 * and the format version ({@code PRAGMA user_version}); the {@code meta} table repeats the format
 * name and holds the store's version vector, the change counter and the last local sequence per
 * replica. {@code cells} holds one row per cell and {@code store_values} one row per top-level
 * value, each with its stamp split into {@code millis, counter, client} (compared in that order)
 * and its content as a {@code kind} code plus a {@code value} column. A tombstone has kind
 * {@link #TOMBSTONE} and a {@code NULL} value. {@code seq} is the change counter of the write
 * transaction that last changed the row, so "rows with {@code seq > n}" is everything written
 * since a reader saw counter {@code n}.
 *
 * <p>Both tables are {@code WITHOUT ROWID}, clustered by their primary key, so reading a table
 * or a range of rows of a table is a range scan; a {@code seq} index makes incremental reads
 * cheap.
 */
public final class SqliteFormat {
  /** {@code PRAGMA application_id}: "SYNC" in ASCII. */
  public static final int MAGIC = 0x53594E43;
  /** The format name in {@code meta}. */
  public static final String FORMAT_NAME = "syncline-sqlite";
  /** The format version written; readers accept {@value #MIN_VERSION}..{@value #VERSION}. */
  public static final int VERSION = 1;
  public static final int MIN_VERSION = 1;

  public static final String META_FORMAT = "format";
  public static final String META_VERSION_VECTOR = "version_vector";
  public static final String META_CHANGE_COUNTER = "change_counter";
  /** Prefix of the meta key holding a replica's last local sequence number. */
  public static final String META_SEQUENCE_PREFIX = "sequence/";

  /** Kind codes of the {@code kind} column. */
  public static final int TOMBSTONE = 0;
  public static final int STRING = 1;
  public static final int INTEGER = 2;
  public static final int DOUBLE = 3;
  public static final int BOOLEAN = 4;
  public static final int JSON = 5;

  public static final List<String> SCHEMA = List.of(
      "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID",
      "CREATE TABLE cells (table_id TEXT NOT NULL, row_id TEXT NOT NULL, cell_id TEXT NOT NULL,"
          + " kind INTEGER NOT NULL, value, millis INTEGER NOT NULL, counter INTEGER NOT NULL,"
          + " client INTEGER NOT NULL, seq INTEGER NOT NULL,"
          + " PRIMARY KEY (table_id, row_id, cell_id)) WITHOUT ROWID",
      "CREATE INDEX cells_by_seq ON cells (seq)",
      "CREATE TABLE store_values (value_id TEXT PRIMARY KEY NOT NULL, kind INTEGER NOT NULL, value,"
          + " millis INTEGER NOT NULL, counter INTEGER NOT NULL, client INTEGER NOT NULL,"
          + " seq INTEGER NOT NULL) WITHOUT ROWID",
      "CREATE INDEX store_values_by_seq ON store_values (seq)");

  private static final String NEWER =
      " WHERE (excluded.millis, excluded.counter, excluded.client) > (%1$s.millis, %1$s.counter, %1$s.client)";

  /** Inserts a cell or replaces it only if the new stamp is larger (last writer wins). */
  public static final String UPSERT_CELL = "INSERT INTO cells (table_id, row_id, cell_id, kind, value,"
      + " millis, counter, client, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (table_id, row_id, cell_id) DO UPDATE SET kind = excluded.kind,"
      + " value = excluded.value, millis = excluded.millis, counter = excluded.counter,"
      + " client = excluded.client, seq = excluded.seq" + String.format(NEWER, "cells");

  public static final String UPSERT_VALUE = "INSERT INTO store_values (value_id, kind, value, millis,"
      + " counter, client, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (value_id) DO UPDATE SET kind = excluded.kind, value = excluded.value,"
      + " millis = excluded.millis, counter = excluded.counter, client = excluded.client,"
      + " seq = excluded.seq" + String.format(NEWER, "store_values");

  /**
   * The stamp and kind of a row packed by SQLite into two integers, so a reader makes two JDBC
   * calls instead of five (at a million rows, the calls dominate a load): {@code hi} is the
   * stamp's packed high half ({@link io.syncline.core.Stamp#hi()}); {@code tag} holds the kind in
   * bits 0-6 ({@link #KIND_OUT_OF_RANGE} for a kind outside 0..126), "value is NULL" in bit 7,
   * "stamp fields out of range" in bit 8, and the stamp's low half ({@link
   * io.syncline.core.Stamp#lo()}) in bits 9-40.
   */
  private static final String PACKED = "(millis << 22) | (counter >> 2) AS hi,"
      + " ((((counter & 3) << 30) | (client & 1073741823)) << 9)"
      + " | ((NOT (millis BETWEEN 0 AND 4398046511103 AND counter BETWEEN 0 AND 16777215"
      + " AND client BETWEEN 0 AND 1073741823)) << 8)"
      + " | ((value IS NULL) << 7) | (CASE WHEN kind BETWEEN 0 AND 126 THEN kind ELSE 127 END) AS tag";

  public static final int KIND_OUT_OF_RANGE = 127;

  /** Columns: table_id, row_id, cell_id, value, hi, tag (see {@link #PACKED}). */
  public static final String CELL_COLUMNS = "SELECT table_id, row_id, cell_id, value, " + PACKED + " FROM cells";
  /** Columns: value_id, value, hi, tag. */
  public static final String VALUE_COLUMNS = "SELECT value_id, value, " + PACKED + " FROM store_values";

  private SqliteFormat() {}
}

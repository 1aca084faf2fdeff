package io.syncline.core;

import java.util.function.Consumer;

/**
 * Keeps one {@link Store} on durable storage, as TinyBase's persisters do. {@link #load()} merges
 * what storage holds into the store (stamps included, so a reloaded store merges and syncs
 * exactly like the one that was saved); {@link #save()} writes the store's whole state;
 * {@link #startAutoSave()} listens to commits ({@link Store#addCommitListener}) and, once per
 * {@link ThrottleWindow}, writes only the cells and values changed since its last write
 * ({@link Store#deltaSince} the vector storage holds); {@link #startAutoLoad()} watches the
 * storage for changes made by another process and merges them in.
 *
 * <p>Implementations do their I/O on a background worker; {@code load()} and {@code save()}
 * block until their I/O is done. Failures of background work are reported to error listeners
 * and never thrown on the store's writing thread.
 */
public interface Persister extends AutoCloseable {
  /** What a persister is doing. */
  enum Status {
    IDLE,
    LOADING,
    SAVING,
    CLOSED
  }

  Store store();

  /** Merges the persisted state into the store and returns once it is applied. */
  void load();

  /** Writes the store's whole state and returns once it is durable. */
  void save();

  /** Starts merging changes that other processes write to the same storage. */
  void startAutoLoad();

  /** Starts saving changed rows and values once per throttle window. */
  void startAutoSave();

  /** Stops auto-load and auto-save, first saving what auto-save had pending. */
  void stop();

  Status status();

  boolean isAutoLoading();

  boolean isAutoSaving();

  Subscription addStatusListener(Consumer<Status> listener);

  /** Told about failures of background loads and saves. */
  Subscription addErrorListener(Consumer<Throwable> listener);

  /** Stops, waits for pending I/O, and releases files and threads. Idempotent. */
  @Override
  void close();
}

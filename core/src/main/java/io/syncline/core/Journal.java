package io.syncline.core;

/**
 * Durable record of local changesets not yet confirmed elsewhere, attached to a store with
 * {@link Store#attachJournal}. The store calls {@link #append} while holding its lock, in commit
 * order, and {@link #awaitDurable} after releasing it, so that many writer threads can share one
 * fsync.
 */
public interface Journal {
  /**
   * Queues a committed local changeset for durable storage; must not block on the disk.
   *
   * @return a position that {@link #awaitDurable} accepts
   */
  long append(Changeset changeset);

  /**
   * Blocks until everything appended up to {@code position} is on stable storage.
   *
   * @throws SynclineException if the journal failed; the write is then not known to be durable
   */
  void awaitDurable(long position);
}

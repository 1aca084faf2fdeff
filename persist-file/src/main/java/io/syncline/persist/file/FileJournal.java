package io.syncline.persist.file;

import io.syncline.core.Changeset;
import io.syncline.core.CorruptDataException;
import io.syncline.core.Journal;
import io.syncline.core.SynclineException;
import io.syncline.core.UnsupportedVersionException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's {@link Journal} on a {@link WriteAheadLog}: every committed local changeset is
 * appended (in its core binary form) before the commit returns, so a crash loses none of the
 * writes the store acknowledged under {@link io.syncline.core.Durability#SYNC}, and at most a few
 * milliseconds of them under {@code BATCHED}.
 *
 * <p>The log is opened in {@link WriteAheadLog.Durability#BATCHED} mode: {@link #append} never
 * waits for the disk, and the store's SYNC writers call {@link #awaitDurable} after releasing the
 * store lock, so concurrent writers share one fsync (group commit). A {@link FilePersister}
 * replays the journal on load and releases it once its key files hold the same changes.
 *
 * <p>Thread-safe. After {@link #close()} appends are ignored (they return -1, which the store
 * treats as "nothing to wait for").
 */
public final class FileJournal implements Journal, Closeable {
  /** The lock file that keeps a second process (or persister) out of a journal. */
  public static final String LOCK_FILE = "journal.lock";

  private final WriteAheadLog log;
  private final Path directory;
  private final Closeable lock;
  private volatile boolean closed;

  private FileJournal(WriteAheadLog log, Path directory, Closeable lock) {
    this.log = log;
    this.directory = directory;
    this.lock = lock;
  }

  /**
   * Opens (or creates) the journal in {@code directory}, cutting a torn tail left by a crash.
   *
   * @throws JournalInUseException if another process (or another journal in this one) has it
   * @throws CorruptFileException if the journal is damaged beyond a torn tail
   */
  public static FileJournal open(Path directory, FileSystem fs) throws IOException {
    Path dir = directory.toAbsolutePath();
    fs.createDirectories(dir);
    Closeable lock = fs.tryLock(dir.resolve(LOCK_FILE));
    if (lock == null) {
      throw new JournalInUseException("The journal in " + dir + " is in use by another process "
          + "(or another persister of this process); one process writes a directory at a time");
    }
    try {
      WriteAheadLog log = WriteAheadLog.builder(dir).fileSystem(fs)
          .durability(WriteAheadLog.Durability.BATCHED).flushInterval(Duration.ofMillis(2))
          .maxRecordSize(1 << 30).open();
      return new FileJournal(log, dir, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Thrown when a journal is already open elsewhere. */
  public static final class JournalInUseException extends PersistFileException {
    JournalInUseException(String message) {
      super(message);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws SynclineException if the write failed; the journal is then unusable
   */
  @Override
  public long append(Changeset changeset) {
    if (closed) {
      return -1;
    }
    try {
      return log.append(changeset.encode());
    } catch (IOException e) {
      throw new SynclineException("Cannot journal changeset " + changeset.sequence()
          + " of replica '" + changeset.origin() + "' in " + directory, e);
    } catch (IllegalStateException e) {
      return -1; // closed concurrently
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws SynclineException if the fsync failed
   */
  @Override
  public void awaitDurable(long position) {
    if (position < 0) {
      return;
    }
    try {
      log.awaitDurable(position);
    } catch (IOException e) {
      throw new SynclineException("The journal in " + directory + " could not make position "
          + position + " durable", e);
    } catch (IllegalStateException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  /**
   * The changesets held, oldest first: those not yet released.
   *
   * @throws CorruptFileException if a record passed its checksum but is not a changeset
   */
  public List<Changeset> pending() throws IOException {
    List<Changeset> out = new ArrayList<>();
    log.replay((position, record) -> {
      try {
        out.add(Changeset.decode(record));
      } catch (CorruptDataException e) {
        throw new CorruptFileException(directory, position,
            e instanceof UnsupportedVersionException ? CorruptFileException.Reason.UNSUPPORTED_VERSION
                : CorruptFileException.Reason.MALFORMED,
            "the journal record at log position " + position + " is not a changeset this build reads: "
                + e.getMessage(), e);
      }
    });
    return out;
  }

  /** The position after the last appended changeset. */
  public long endPosition() {
    return log.endPosition();
  }

  /** Forgets the changesets before {@code position} (they are stored elsewhere now). */
  public void releaseBefore(long position) throws IOException {
    log.truncateBefore(position);
  }

  /** Makes every appended changeset durable, closes the log and releases the lock. */
  @Override
  public void close() throws IOException {
    closed = true;
    try {
      log.close();
    } finally {
      lock.close();
    }
  }
}

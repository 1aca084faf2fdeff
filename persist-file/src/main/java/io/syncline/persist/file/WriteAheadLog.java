package io.syncline.persist.file;

import io.syncline.persist.file.CorruptFileException.Reason;
import io.syncline.persist.file.internal.ChecksummedFileWriter;
import io.syncline.persist.file.internal.WalFormat;
import io.syncline.persist.file.internal.WalSegmentReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only log of opaque records with group commit, split into segment files in one
 * directory (format in {@link WalFormat}).
 *
 * <h2>Positions</h2>
 *
 * {@link #append} returns the record's <em>position</em>, a byte address that only grows across
 * segments. {@link #truncateBefore} records a checkpoint: records before it are dropped (whole
 * segments are deleted) and {@link #replay} starts there.
 *
 * <h2>Durability and group commit</h2>
 *
 * Appends write to the current segment under a lock and never wait for the disk except in {@link
 * Durability#SYNC}. One flusher thread per log issues the fsyncs: when it wakes it notes the end
 * of the log, forces the segment, and then declares everything up to that end durable, waking all
 * writers waiting for it. Writers that append while an fsync is in flight are covered by the
 * next one, so N concurrent writers share roughly one fsync per round instead of N. When an
 * fsync released several writers, the next one waits (at most as long as that fsync took) until
 * as many are waiting again, so they share one fsync rather than splitting into two. {@link
 * Durability#BATCHED} lets the flusher fsync at most {@code flushInterval} after the first
 * unsynced append; {@link Durability#NONE} fsyncs only on {@link #sync()}, on a segment roll and
 * on {@link #close()}.
 *
 * <h2>Recovery</h2>
 *
 * Opening the log scans it from the checkpoint. A segment is forced before the next one is
 * created, so damage can only be a torn tail of the last segment: it is cut at the last valid
 * record, and the number of dropped bytes is logged (WARNING) and reported by {@link
 * #droppedBytesAtOpen()}. A bad record in an earlier segment is real corruption and fails the
 * open with a {@link CorruptFileException} naming the segment and offset.
 *
 * <h2>Failures</h2>
 *
 * After a failed write or fsync the log is unusable (as PostgreSQL treats a failed fsync): every
 * later call throws an {@link IOException} and the log must be reopened, which recovers what
 * reached the disk.
 *
 * <h2>Threads and locks</h2>
 *
 * All methods are thread-safe. {@code lock} guards the log state; it is never held across an
 * fsync except the rare one of a segment roll. {@code maintenance} serialises {@link #replay}
 * with {@link #truncateBefore} and is taken before {@code lock}, never after it.
 */
public final class WriteAheadLog implements Closeable {
  private static final System.Logger LOG = System.getLogger(WriteAheadLog.class.getName());

  /** When an appended record is forced to disk. */
  public enum Durability {
    /** Only on {@link #sync()}, segment roll and {@link #close()}. */
    NONE,
    /** In the background, at most {@code flushInterval} after the append (the default). */
    BATCHED,
    /** Before {@link #append} returns; concurrent appenders share one fsync. */
    SYNC
  }

  /** Receives replayed records in log order. */
  @FunctionalInterface
  public interface RecordConsumer {
    void accept(long position, byte[] record);
  }

  private record Segment(Path path, long base, FileSystem.Handle handle) {}

  private final FileSystem fs;
  private final Path directory;
  private final Durability durability;
  private final long flushIntervalNanos;
  private final long segmentSize;
  private final int maxRecordSize;
  private final long droppedBytesAtOpen;
  private final Object maintenance = new Object();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition flushWanted = lock.newCondition();
  private final Condition durableAdvanced = lock.newCondition();
  private final Thread flusher;

  // @GuardedBy("lock")
  private final List<Long> segmentBases = new ArrayList<>();
  // @GuardedBy("lock"): rolled segments the flusher has not closed yet
  private final List<Segment> sealed = new ArrayList<>();
  // @GuardedBy("lock")
  private Segment current;
  // @GuardedBy("lock")
  private long end;
  // @GuardedBy("lock")
  private long durableEnd;
  // @GuardedBy("lock"): the highest end some writer waits for
  private long requested;
  // @GuardedBy("lock")
  private long checkpoint;
  // @GuardedBy("lock")
  private boolean directoryDirty;
  // @GuardedBy("lock")
  private Throwable failure;
  // @GuardedBy("lock")
  private boolean closing;
  // @GuardedBy("lock"): writers blocked in awaitCovered
  private int waiting;
  // flusher thread only
  private long batchDeadline;
  // flusher thread only: writers the last fsync released, and how long it took
  private int lastReleased;
  private long lastFsyncNanos;

  private WriteAheadLog(Builder builder, Recovery recovery) {
    this.fs = builder.fs;
    this.directory = builder.directory;
    this.durability = builder.durability;
    this.flushIntervalNanos = builder.flushInterval.toNanos();
    this.segmentSize = builder.segmentSize;
    this.maxRecordSize = builder.maxRecordSize;
    this.droppedBytesAtOpen = recovery.dropped;
    this.checkpoint = recovery.checkpoint;
    this.segmentBases.addAll(recovery.bases);
    this.current = recovery.current;
    this.end = recovery.end;
    this.durableEnd = recovery.end;
    this.flusher = new Thread(this::runFlusher, "syncline-wal-flusher " + directory);
    flusher.setDaemon(true);
    flusher.start();
  }

  /** Starts configuring a log kept in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Appends a record.
   *
   * @return the record's position
   * @throws IllegalArgumentException if the record is longer than {@code maxRecordSize}
   * @throws IllegalStateException if the log is closed
   * @throws IOException if the write (or, in SYNC mode, the fsync) failed; the log is then
   *     unusable
   */
  public long append(byte[] record) throws IOException {
    Objects.requireNonNull(record, "record");
    if (record.length > maxRecordSize) {
      throw new IllegalArgumentException("A record of " + record.length
          + " bytes exceeds maxRecordSize " + maxRecordSize + " of the log in " + directory);
    }
    ByteBuffer frame = WalFormat.frame(record);
    lock.lock();
    try {
      checkUsable();
      if (end - current.base() + frame.remaining() > segmentSize
          && end > current.base() + WalFormat.HEADER_LENGTH) {
        roll();
      }
      long position = end;
      try {
        current.handle().write(frame, position - current.base());
      } catch (IOException | RuntimeException e) {
        fail(e);
        throw new IOException("Cannot append a record to " + current.path() + " at byte offset "
            + (position - current.base()) + "; the log must be reopened", e);
      }
      boolean wasClean = end == durableEnd;
      end = position + WalFormat.FRAME_OVERHEAD + record.length;
      if (durability == Durability.SYNC) {
        awaitCovered(end);
      } else if (durability == Durability.BATCHED && wasClean) {
        flushWanted.signal();
      }
      return position;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns once every record appended before this call is durable.
   *
   * @throws IOException if an fsync failed
   */
  public void sync() throws IOException {
    lock.lock();
    try {
      checkUsable();
      awaitCovered(end);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns once the record at {@code position} (a value {@link #append} returned) is durable,
   * asking the flusher for an fsync if none is under way. Writers that append with {@link
   * Durability#NONE} or {@link Durability#BATCHED} and wait here share fsyncs exactly as SYNC
   * appenders do.
   *
   * @throws IOException if an fsync failed
   */
  public void awaitDurable(long position) throws IOException {
    lock.lock();
    try {
      if (durableEnd > position) {
        return;
      }
      checkUsable();
      awaitCovered(Math.min(position + 1, end));
    } finally {
      lock.unlock();
    }
  }

  /** Lock held. Waits for the flusher to cover {@code target}. */
  private void awaitCovered(long target) throws IOException {
    if (durableEnd >= target) {
      return;
    }
    requested = Math.max(requested, target);
    waiting++;
    flushWanted.signal();
    try {
      while (durableEnd < target) {
        if (failure != null) {
          throw failed();
        }
        try {
          durableAdvanced.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("Interrupted while waiting for an fsync of the log in "
              + directory + "; the record may or may not be durable");
        }
      }
    } finally {
      waiting--;
    }
  }

  /** Lock held. Seals the current segment (forced, so no later segment can outlive its tail). */
  private void roll() throws IOException {
    try {
      current.handle().force();
      sealed.add(current);
      current = createSegment(fs, directory, end);
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw new IOException("Cannot start a new log segment at position " + end + " in "
          + directory + "; the log must be reopened", e);
    }
    segmentBases.add(end);
    end += WalFormat.HEADER_LENGTH;
    directoryDirty = true;
  }

  private void runFlusher() {
    while (true) {
      long target;
      Segment head;
      List<Segment> done;
      boolean syncDirectory;
      int released;
      lock.lock();
      try {
        if (!awaitWork()) {
          return;
        }
        released = waiting;
        target = end;
        head = current;
        done = List.copyOf(sealed);
        syncDirectory = directoryDirty;
        directoryDirty = false;
      } finally {
        lock.unlock();
      }
      long started = System.nanoTime();
      try {
        head.handle().force();
        if (syncDirectory) {
          fs.syncDirectory(directory);
        }
        lastFsyncNanos = System.nanoTime() - started;
        lastReleased = released;
      } catch (IOException | RuntimeException e) {
        lock.lock();
        try {
          fail(e);
        } finally {
          lock.unlock();
        }
        return;
      }
      lock.lock();
      try {
        durableEnd = Math.max(durableEnd, target);
        sealed.removeAll(done);
        durableAdvanced.signalAll();
      } finally {
        lock.unlock();
      }
      done.forEach(segment -> closeQuietly(segment.handle()));
    }
  }

  /** Lock held, flusher thread. Waits until an fsync is due; false when the flusher must end. */
  private boolean awaitWork() {
    try {
      while (true) {
        if (failure != null) {
          return false;
        }
        boolean pending = end > durableEnd || directoryDirty;
        if (!pending) {
          batchDeadline = 0;
          if (closing) {
            return false;
          }
          flushWanted.await();
        } else if (closing || requested > durableEnd) {
          batchDeadline = 0;
          gather();
          return true;
        } else if (durability == Durability.BATCHED) {
          long now = System.nanoTime();
          if (batchDeadline == 0) {
            batchDeadline = now + flushIntervalNanos;
          }
          if (now - batchDeadline >= 0) {
            batchDeadline = 0;
            return true;
          }
          flushWanted.awaitNanos(batchDeadline - now);
        } else {
          flushWanted.await();
        }
      }
    } catch (InterruptedException e) {
      fail(new InterruptedIOException("The flusher of the log in " + directory
          + " was interrupted"));
      return false;
    }
  }

  /**
   * Lock held, flusher thread, a writer waits. If the last fsync released several writers, they
   * are about to append again: wait until as many wait again, or at most as long as that fsync
   * took, so one fsync covers them all instead of the first one alone (PostgreSQL's
   * {@code commit_delay} with {@code commit_siblings}, measured instead of configured). A lone
   * writer never waits.
   */
  private void gather() throws InterruptedException {
    if (lastReleased < 2 || closing) {
      return;
    }
    long deadline = System.nanoTime() + Math.min(lastFsyncNanos, MAX_GATHER_NANOS);
    long left;
    while (waiting < lastReleased && !closing && failure == null && (left = deadline - System.nanoTime()) > 0) {
      flushWanted.awaitNanos(left);
    }
  }

  private static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** Lock held. */
  private void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    durableAdvanced.signalAll();
    flushWanted.signalAll();
  }

  /** Lock held. */
  private void checkUsable() throws IOException {
    if (closing) {
      throw new IllegalStateException("The write-ahead log in " + directory + " is closed");
    }
    if (failure != null) {
      throw failed();
    }
  }

  private IOException failed() {
    return new IOException("The write-ahead log in " + directory + " failed and must be "
        + "reopened; records after position " + durableEnd + " may be lost", failure);
  }

  /**
   * Reads every record from the checkpoint to the current end of the log, in order. Records
   * appended during the replay are not included.
   *
   * @return the number of records replayed
   * @throws CorruptFileException if a segment is damaged
   */
  public long replay(RecordConsumer consumer) throws IOException {
    Objects.requireNonNull(consumer, "consumer");
    synchronized (maintenance) {
      long from;
      long to;
      List<Long> bases;
      lock.lock();
      try {
        from = checkpoint;
        to = end;
        bases = List.copyOf(segmentBases);
      } finally {
        lock.unlock();
      }
      long count = 0;
      for (int i = 0; i < bases.size(); i++) {
        long base = bases.get(i);
        long next = i + 1 < bases.size() ? bases.get(i + 1) : Long.MAX_VALUE;
        if (next <= from || base >= to) {
          continue;
        }
        count += replaySegment(base, Math.max(from, base), Math.min(next, to), consumer);
      }
      return count;
    }
  }

  private long replaySegment(long base, long from, long to, RecordConsumer consumer)
      throws IOException {
    Path path = directory.resolve(WalFormat.segmentName(base));
    long start = Math.max(WalFormat.HEADER_LENGTH, from - base);
    long[] count = {0};
    try (FileSystem.Handle handle = fs.open(path, false)) {
      WalSegmentReader reader = new WalSegmentReader(handle, to - base);
      WalSegmentReader.Scan scan = reader.scan(start, maxRecordSize, (offset, payload) -> {
        count[0]++;
        consumer.accept(base + offset, payload);
      });
      if (scan.problem() != null) {
        throw new CorruptFileException(path, scan.validEnd(), scan.reason(), scan.problem() + ".");
      }
    }
    return count[0];
  }

  /**
   * Drops every record before {@code position}: the checkpoint is written durably first, then
   * segments that lie wholly before it are deleted. Replays start at the checkpoint.
   *
   * @param position a position returned by {@link #append} or {@link #endPosition()}; a
   *     position at or below the current checkpoint is ignored
   * @throws IllegalArgumentException if {@code position} is beyond the end of the log
   */
  public void truncateBefore(long position) throws IOException {
    synchronized (maintenance) {
      lock.lock();
      try {
        checkUsable();
        if (position <= checkpoint) {
          return;
        }
        if (position > end) {
          throw new IllegalArgumentException("Cannot truncate the log in " + directory
              + " before position " + position + ": the log ends at " + end);
        }
      } finally {
        lock.unlock();
      }
      ByteBuffer body = ByteBuffer.allocate(8).putLong(position);
      ChecksummedFile.write(fs, directory.resolve(WalFormat.CHECKPOINT_FILE),
          WalFormat.CHECKPOINT_FORMAT, WalFormat.CHECKPOINT_VERSION, body.array());
      List<Long> obsolete = new ArrayList<>();
      lock.lock();
      try {
        checkpoint = position;
        while (segmentBases.size() > 1 && segmentBases.get(1) <= position) {
          obsolete.add(segmentBases.remove(0));
        }
      } finally {
        lock.unlock();
      }
      for (long base : obsolete) {
        fs.delete(directory.resolve(WalFormat.segmentName(base)));
      }
    }
  }

  /** The position just after the last appended record. */
  public long endPosition() {
    lock.lock();
    try {
      return end;
    } finally {
      lock.unlock();
    }
  }

  /** The position up to which appended records are known to be durable. */
  public long durablePosition() {
    lock.lock();
    try {
      return durableEnd;
    } finally {
      lock.unlock();
    }
  }

  /** The position replays start at. */
  public long checkpointPosition() {
    lock.lock();
    try {
      return checkpoint;
    } finally {
      lock.unlock();
    }
  }

  /** How many bytes of torn or corrupt tail were cut off when the log was opened. */
  public long droppedBytesAtOpen() {
    return droppedBytesAtOpen;
  }

  /** The number of segment files the log currently spans. */
  public int segmentCount() {
    lock.lock();
    try {
      return segmentBases.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes every appended record durable, stops the flusher and closes the files. Idempotent.
   *
   * @throws IOException if the final fsync failed or the log had failed before
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      flushWanted.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      flusher.join(TimeUnit.MINUTES.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      sealed.forEach(segment -> closeQuietly(segment.handle()));
      sealed.clear();
      closeQuietly(current.handle());
      if (failure != null || durableEnd < end) {
        throw failed();
      }
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(FileSystem.Handle handle) {
    try {
      handle.close();
    } catch (IOException ignored) {
      // Closing after a successful force cannot lose data.
    }
  }

  private static Segment createSegment(FileSystem fs, Path directory, long base)
      throws IOException {
    Path path = directory.resolve(WalFormat.segmentName(base));
    FileSystem.Handle handle = fs.open(path, true);
    try {
      handle.truncate(0);
      handle.write(WalFormat.header(base), 0);
    } catch (IOException | RuntimeException e) {
      closeQuietly(handle);
      throw e;
    }
    return new Segment(path, base, handle);
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery

  private static final class Recovery {
    long checkpoint;
    long end;
    long dropped;
    final List<Long> bases = new ArrayList<>();
    Segment current;
  }

  private static Recovery recover(Builder b) throws IOException {
    FileSystem fs = b.fs;
    fs.createDirectories(b.directory);
    Recovery r = new Recovery();
    List<Long> bases = new ArrayList<>();
    for (Path file : fs.list(b.directory)) {
      if (ChecksummedFileWriter.isTemporary(file)) {
        fs.delete(file);
      }
      long base = WalFormat.parseSegmentBase(file);
      if (base >= 0) {
        bases.add(base);
      }
    }
    bases.sort(null);
    r.checkpoint = readCheckpoint(fs, b.directory);
    while (bases.size() > 1 && bases.get(1) <= r.checkpoint) {
      fs.delete(b.directory.resolve(WalFormat.segmentName(bases.remove(0))));
    }
    r.end = r.checkpoint;
    for (int i = 0; i < bases.size(); i++) {
      recoverSegment(b, r, bases.get(i), i == bases.size() - 1);
    }
    if (r.current == null) {
      long base = Math.max(r.end, r.checkpoint);
      if (r.checkpoint > r.end) {
        // What survived ends before the checkpoint: none of it is needed any more.
        for (long stale : r.bases) {
          fs.delete(b.directory.resolve(WalFormat.segmentName(stale)));
        }
        r.bases.clear();
      }
      r.current = createSegment(fs, b.directory, base);
      r.current.handle().force();
      fs.syncDirectory(b.directory);
      r.bases.add(base);
      r.end = base + WalFormat.HEADER_LENGTH;
    }
    return r;
  }

  private static void recoverSegment(Builder b, Recovery r, long base, boolean last)
      throws IOException {
    Path path = b.directory.resolve(WalFormat.segmentName(base));
    FileSystem.Handle handle = b.fs.open(path, false);
    boolean keep = false;
    try {
      long size = handle.size();
      if (!r.bases.isEmpty() && base != r.end) {
        throw new CorruptFileException(path, 0, Reason.MALFORMED, "the segment starts at log "
            + "position " + base + " but the previous segment ends at " + r.end + ".");
      }
      WalSegmentReader reader = new WalSegmentReader(handle, size);
      if (reader.readHeader(base) == null) {
        if (!last) {
          throw new CorruptFileException(path, 0, Reason.TRUNCATED,
              "its header is incomplete or fails its checksum, and it is not the last segment.");
        }
        dropTornSegment(b, r, path, size);
        return;
      }
      long start = WalFormat.HEADER_LENGTH;
      if (r.checkpoint > base) {
        start = Math.max(start, r.checkpoint - base);
      }
      if (start > size) {
        // The checkpoint lies beyond what survived: nothing here is needed any more.
        r.bases.add(base);
        r.end = base + size;
        return;
      }
      WalSegmentReader.Scan scan = reader.scan(start, b.maxRecordSize, null);
      if (scan.problem() != null) {
        if (!last) {
          throw new CorruptFileException(path, scan.validEnd(), scan.reason(), scan.problem()
              + "; it is not the last segment, so this is damage, not a torn write.");
        }
        long cut = size - scan.validEnd();
        handle.truncate(scan.validEnd());
        r.dropped += cut;
        LOG.log(System.Logger.Level.WARNING, "Dropped {0} bytes of torn or corrupt tail from "
            + "{1} at byte offset {2}: {3}", Long.toString(cut), path,
            Long.toString(scan.validEnd()), scan.problem());
      }
      r.bases.add(base);
      r.end = base + scan.validEnd();
      if (last) {
        handle.force();
        r.current = new Segment(path, base, handle);
        keep = true;
      }
    } finally {
      if (!keep) {
        closeQuietly(handle);
      }
    }
  }

  private static void dropTornSegment(Builder b, Recovery r, Path path, long size)
      throws IOException {
    b.fs.delete(path);
    b.fs.syncDirectory(b.directory);
    r.dropped += size;
    LOG.log(System.Logger.Level.WARNING, "Dropped {0} bytes: the log segment {1} was torn while "
        + "being created", Long.toString(size), path);
  }

  private static long readCheckpoint(FileSystem fs, Path directory) throws IOException {
    Path file = directory.resolve(WalFormat.CHECKPOINT_FILE);
    try {
      byte[] body = ChecksummedFile.read(fs, file, WalFormat.CHECKPOINT_FORMAT,
          WalFormat.CHECKPOINT_VERSION, WalFormat.CHECKPOINT_VERSION, null).body();
      if (body.length != 8) {
        throw new CorruptFileException(file, -1, Reason.MALFORMED,
            "a checkpoint must hold 8 bytes, not " + body.length + ".");
      }
      return ByteBuffer.wrap(body).getLong();
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** Settings of a {@link WriteAheadLog}. */
  public static final class Builder {
    private final Path directory;
    private FileSystem fs = FileSystem.SYSTEM;
    private Durability durability = Durability.BATCHED;
    private Duration flushInterval = Duration.ofMillis(5);
    private long segmentSize = 64L << 20;
    private int maxRecordSize = 16 << 20;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** The file system to use; {@link FileSystem#SYSTEM} by default. */
    public Builder fileSystem(FileSystem fileSystem) {
      this.fs = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /** When records become durable; {@link Durability#BATCHED} by default. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** The longest a BATCHED record waits for its fsync; 5 ms by default. */
    public Builder flushInterval(Duration flushInterval) {
      if (flushInterval.isNegative() || flushInterval.isZero()) {
        throw new IllegalArgumentException("flushInterval must be positive: " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    /** The size at which a new segment file is started; 64 MiB by default. */
    public Builder segmentSize(long segmentSize) {
      if (segmentSize < 1024) {
        throw new IllegalArgumentException("segmentSize must be at least 1024 bytes: "
            + segmentSize);
      }
      this.segmentSize = segmentSize;
      return this;
    }

    /** The largest record accepted (and believed when reading); 16 MiB by default. */
    public Builder maxRecordSize(int maxRecordSize) {
      if (maxRecordSize < 1) {
        throw new IllegalArgumentException("maxRecordSize must be positive: " + maxRecordSize);
      }
      this.maxRecordSize = maxRecordSize;
      return this;
    }

    /**
     * Opens the log, creating the directory if needed and cutting a torn tail.
     *
     * @throws CorruptFileException if a segment other than the last, or the checkpoint, is
     *     damaged
     */
    public WriteAheadLog open() throws IOException {
      return new WriteAheadLog(this, recover(this));
    }
  }
}

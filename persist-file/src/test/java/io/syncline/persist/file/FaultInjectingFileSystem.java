package io.syncline.persist.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link FileSystem} over real files that models what a disk keeps through a power loss, and
 * injects faults (H2's {@code FilePathUnstable}, OkHttp's {@code FaultyFileSystem}).
 *
 * <p>It tracks, per file, the contents as of its last {@link Handle#force()} and, per directory,
 * the entries as of its last {@link #syncDirectory}. {@link #crash(Random)} then rewrites the real
 * directory to that durable state: unforced bytes vanish (or, with a random source, a random
 * prefix of an appended tail survives, as on a real disk), unsynced creations, renames and
 * deletions are undone. {@link #kill()} models a process death instead: the operating system
 * keeps every written byte. After either, every handle opened before throws.
 *
 * <p>Faults are counted over all files: {@link #failWrite(long)} makes the Nth write throw,
 * {@link #tearWrite(long, int)} makes the Nth write store only a prefix and then throw, {@link
 * #failForce(long)} makes the Nth fsync throw.
 */
final class FaultInjectingFileSystem implements FileSystem {
  private static final byte[] EMPTY = new byte[0];

  /** A file's identity (an inode): what survives a rename. */
  private static final class Node {
    volatile byte[] durable;

    Node(byte[] durable) {
      this.durable = durable;
    }
  }

  private final FileSystem delegate = FileSystem.SYSTEM;
  private final ReentrantReadWriteLock crashLock = new ReentrantReadWriteLock();
  private final Object lock = new Object();
  // guarded by lock
  private final Map<Path, Node> live = new HashMap<>();
  private final Map<Path, Map<Path, Node>> durableDirectories = new HashMap<>();
  private int generation;

  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong forces = new AtomicLong();
  private final AtomicInteger directorySyncs = new AtomicInteger();
  private volatile long failWriteAt = -1;
  private volatile long tearWriteAt = -1;
  private volatile int tearKeep;
  private volatile long failForceAt = -1;
  private volatile boolean frozen;

  /**
   * Makes every operation fail until {@link #thaw()}, as if the process were dead: lets a test
   * stop the components of a "crashed" process without them touching the disk again.
   */
  void freeze() {
    frozen = true;
  }

  void thaw() {
    frozen = false;
  }

  private void checkNotFrozen() throws IOException {
    if (frozen) {
      throw new IOException("Injected crash: the process is dead");
    }
  }

  /** Makes the {@code n}th write from now (1-based) throw without writing anything. */
  void failWrite(long n) {
    failWriteAt = writes.get() + n;
  }

  /** Makes the {@code n}th write from now store only its first {@code keep} bytes, then throw. */
  void tearWrite(long n, int keep) {
    tearKeep = keep;
    tearWriteAt = writes.get() + n;
  }

  /** Makes the {@code n}th fsync from now throw without forcing. */
  void failForce(long n) {
    failForceAt = forces.get() + n;
  }

  long writeCount() {
    return writes.get();
  }

  long forceCount() {
    return forces.get();
  }

  int directorySyncCount() {
    return directorySyncs.get();
  }

  private static Path key(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /** Lock held. Starts tracking a directory: what is there now counts as durable. */
  private void track(Path directory) throws IOException {
    if (durableDirectories.containsKey(directory)) {
      return;
    }
    Map<Path, Node> entries = new HashMap<>();
    for (Path file : delegate.list(directory)) {
      Path k = key(file);
      Node node = new Node(Files.readAllBytes(k));
      live.put(k, node);
      entries.put(k, node);
    }
    durableDirectories.put(directory, entries);
  }

  @Override
  public Handle open(Path file, boolean create) throws IOException {
    checkNotFrozen();
    Path k = key(file);
    crashLock.readLock().lock();
    try {
      synchronized (lock) {
        track(k.getParent());
        Handle real = delegate.open(k, create);
        Node node = live.computeIfAbsent(k, p -> new Node(EMPTY));
        return new FaultHandle(real, node, generation);
      }
    } finally {
      crashLock.readLock().unlock();
    }
  }

  @Override
  public boolean exists(Path file) {
    return delegate.exists(file);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return delegate.list(directory);
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    delegate.createDirectories(directory);
  }

  @Override
  public void atomicMove(Path source, Path target) throws IOException {
    checkNotFrozen();
    Path from = key(source);
    Path to = key(target);
    crashLock.readLock().lock();
    try {
      synchronized (lock) {
        track(from.getParent());
        track(to.getParent());
        delegate.atomicMove(from, to);
        Node node = live.remove(from);
        live.put(to, node == null ? new Node(EMPTY) : node);
      }
    } finally {
      crashLock.readLock().unlock();
    }
  }

  @Override
  public void delete(Path file) throws IOException {
    checkNotFrozen();
    Path k = key(file);
    crashLock.readLock().lock();
    try {
      synchronized (lock) {
        track(k.getParent());
        delegate.delete(k);
        live.remove(k);
      }
    } finally {
      crashLock.readLock().unlock();
    }
  }

  @Override
  public java.io.Closeable tryLock(Path file) throws IOException {
    checkNotFrozen();
    return delegate.tryLock(file); // an OS lock: not part of the durable model
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    checkNotFrozen();
    Path dir = key(directory);
    crashLock.readLock().lock();
    try {
      synchronized (lock) {
        track(dir);
        delegate.syncDirectory(dir);
        Map<Path, Node> entries = new HashMap<>();
        live.forEach((path, node) -> {
          if (dir.equals(path.getParent())) {
            entries.put(path, node);
          }
        });
        durableDirectories.put(dir, entries);
        directorySyncs.incrementAndGet();
      }
    } finally {
      crashLock.readLock().unlock();
    }
  }

  /**
   * Simulates a power loss: every tracked directory is rewritten to its durable state.
   *
   * @param random if not null, each file keeps a random prefix of the bytes appended after its
   *     last fsync (a disk may have written some of them); if null, all of them are lost
   */
  void crash(Random random) throws IOException {
    crashLock.writeLock().lock();
    try {
      synchronized (lock) {
        generation++;
        for (Map.Entry<Path, Map<Path, Node>> dir : durableDirectories.entrySet()) {
          Map<Path, byte[]> survivors = new HashMap<>();
          for (Map.Entry<Path, Node> entry : dir.getValue().entrySet()) {
            survivors.put(entry.getKey(), surviving(entry.getValue(), random));
          }
          for (Path file : delegate.list(dir.getKey())) {
            Files.delete(file);
          }
          for (Map.Entry<Path, byte[]> survivor : survivors.entrySet()) {
            Files.write(survivor.getKey(), survivor.getValue());
          }
        }
        forget();
      }
    } finally {
      crashLock.writeLock().unlock();
    }
  }

  /** Lock held. The bytes of a node a power loss leaves. */
  private byte[] surviving(Node node, Random random) throws IOException {
    byte[] durable = node.durable;
    if (random == null) {
      return durable;
    }
    Path current = null;
    for (Map.Entry<Path, Node> e : live.entrySet()) {
      if (e.getValue() == node) {
        current = e.getKey();
      }
    }
    if (current == null || !Files.exists(current)) {
      return durable;
    }
    byte[] now = Files.readAllBytes(current);
    if (now.length <= durable.length
        || !Arrays.equals(now, 0, durable.length, durable, 0, durable.length)) {
      return durable;
    }
    int keep = durable.length + random.nextInt(now.length - durable.length + 1);
    return Arrays.copyOf(now, keep);
  }

  /** Simulates the death of the process: written bytes stay, open handles die. */
  void kill() {
    crashLock.writeLock().lock();
    try {
      synchronized (lock) {
        generation++;
        forget();
      }
    } finally {
      crashLock.writeLock().unlock();
    }
  }

  /** Lock held. */
  private void forget() {
    live.clear();
    durableDirectories.clear();
    failWriteAt = -1;
    tearWriteAt = -1;
    failForceAt = -1;
  }

  private final class FaultHandle implements Handle {
    private final Handle real;
    private final Node node;
    private final int handleGeneration;

    FaultHandle(Handle real, Node node, int generation) {
      this.real = real;
      this.node = node;
      this.handleGeneration = generation;
    }

    private void checkAlive() throws IOException {
      checkNotFrozen();
      synchronized (lock) {
        if (generation != handleGeneration) {
          throw new IOException("Injected crash: " + real.path() + " was open when the disk "
              + "crashed");
        }
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      crashLock.readLock().lock();
      try {
        checkAlive();
        return real.read(dst, position);
      } finally {
        crashLock.readLock().unlock();
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      crashLock.readLock().lock();
      try {
        checkAlive();
        long n = writes.incrementAndGet();
        if (n == failWriteAt) {
          throw new IOException("Injected failure of write #" + n + " to " + real.path());
        }
        if (n == tearWriteAt) {
          ByteBuffer prefix = src.duplicate();
          prefix.limit(prefix.position() + Math.min(tearKeep, prefix.remaining()));
          real.write(prefix, position);
          throw new IOException("Injected torn write #" + n + " to " + real.path() + ": only "
              + tearKeep + " bytes written");
        }
        real.write(src, position);
      } finally {
        crashLock.readLock().unlock();
      }
    }

    @Override
    public long size() throws IOException {
      checkAlive();
      return real.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      crashLock.readLock().lock();
      try {
        checkAlive();
        real.truncate(size);
      } finally {
        crashLock.readLock().unlock();
      }
    }

    @Override
    public void force() throws IOException {
      crashLock.readLock().lock();
      try {
        checkAlive();
        long n = forces.incrementAndGet();
        if (n == failForceAt) {
          throw new IOException("Injected failure of fsync #" + n + " of " + real.path());
        }
        real.force();
        node.durable = readAll();
      } finally {
        crashLock.readLock().unlock();
      }
    }

    private byte[] readAll() throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate((int) real.size());
      while (buffer.hasRemaining() && real.read(buffer, buffer.position()) >= 0) {
        // keep reading
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    }

    @Override
    public Path path() {
      return real.path();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  /** Paths of every file currently tracked (for diagnostics in test failures). */
  List<Path> trackedFiles() {
    synchronized (lock) {
      return new ArrayList<>(live.keySet());
    }
  }
}

package io.syncline.bench;

import io.syncline.core.Durability;
import io.syncline.core.Persister;
import io.syncline.core.Store;
import io.syncline.persist.file.FileJournal;
import io.syncline.persist.file.FilePersister;
import io.syncline.persist.file.FileSystem;
import io.syncline.persist.sqlite.SqlitePersister;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Persistence figures of issue 3, printed as JSON lines:
 *
 * <ul>
 *   <li>{@code fsync}: the machine's own rate of 4 KiB append + fsync;
 *   <li>{@code journal}: acknowledged {@link Durability#SYNC} changesets per second through
 *       {@link FileJournal} (group commit) with 1, 4 and 16 writer threads;
 *   <li>{@code sqlite}: the same single-cell writes as one SQLite transaction each, WAL mode,
 *       {@code synchronous=FULL}, with 1, 4 and 16 threads;
 *   <li>{@code autosave}: W1's writer throughput (after a warm-up run) with {@link FilePersister} and
 *       {@link SqlitePersister} auto-save on and off;
 *   <li>{@code coldStart}: opening a 1,000,000-cell store from each persister.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/syncline-bench.jar durability [part...] [--seconds S]}, where
 * the parts are the names above (default: all of them).
 */
final class DurabilityBench {
  private DurabilityBench() {}

  static void run(double seconds, List<String> parts) throws Exception {
    List<String> known = List.of("fsync", "journal", "sqlite", "autosave", "coldStart");
    for (String p : parts) {
      if (!known.contains(p)) {
        throw new IllegalArgumentException("unknown durability part '" + p + "'; use " + known);
      }
    }
    java.util.function.Predicate<String> wanted = p -> parts.isEmpty() || parts.contains(p);
    Path dir = Files.createTempDirectory("syncline-durability");
    try {
      if (wanted.test("fsync")) {
        fsync(dir, seconds);
      }
      for (int threads : new int[] {1, 4, 16}) {
        if (wanted.test("journal")) {
          journal(dir.resolve("journal-" + threads), threads, seconds);
        }
      }
      for (int threads : new int[] {1, 4, 16}) {
        if (wanted.test("sqlite")) {
          sqlite(dir.resolve("sqlite-" + threads + ".db"), threads, seconds);
        }
      }
      if (wanted.test("autosave")) {
        autosave(dir);
      }
      if (wanted.test("coldStart")) {
        coldStart(dir);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void print(Json j) {
    j.end();
    System.out.println(j);
    System.out.flush();
  }

  private static void fsync(Path dir, double seconds) throws IOException {
    Path f = dir.resolve("fsync.bin");
    long n = 0;
    ByteBuffer buf = ByteBuffer.allocate(4096);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      while (System.nanoTime() < end) {
        buf.clear();
        ch.write(buf);
        ch.force(false);
        n++;
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    print(new Json().obj().str("bench", "fsync").num("fsyncsPerSec", n / s));
  }

  private static void journal(Path dir, int threads, double seconds) throws Exception {
    Store store = Store.builder().replicaId("bench").build();
    try (FileJournal journal = FileJournal.open(dir, FileSystem.SYSTEM)) {
      store.attachJournal(journal, Durability.SYNC);
      double perSec = hammer(threads, seconds, (t, i) -> store.setCell("t", "w" + t, "c", i));
      print(new Json().obj().str("bench", "journal").num("threads", threads).num("ackedPerSec", perSec));
    }
  }

  private static void sqlite(Path file, int threads, double seconds) throws Exception {
    String url = "jdbc:sqlite:" + file;
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE cells(k TEXT PRIMARY KEY, v INTEGER)");
    }
    List<Connection> conns = new ArrayList<>();
    List<PreparedStatement> stmts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Connection c = DriverManager.getConnection(url);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=30000");
      }
      conns.add(c);
      stmts.add(c.prepareStatement("INSERT OR REPLACE INTO cells(k, v) VALUES (?, ?)"));
    }
    try {
      double perSec = hammer(threads, seconds, (t, i) -> {
        try {
          PreparedStatement ps = stmts.get(t);
          ps.setString(1, "t/w" + t + "/c");
          ps.setLong(2, i);
          ps.executeUpdate();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      print(new Json().obj().str("bench", "sqlite").str("synchronous", "FULL").num("threads", threads)
          .num("ackedPerSec", perSec));
    } finally {
      for (Connection c : conns) {
        c.close();
      }
    }
  }

  @FunctionalInterface
  private interface Write {
    void write(int thread, long i) throws Exception;
  }

  /** Runs {@code threads} writers for {@code seconds}; returns acknowledged writes per second. */
  private static double hammer(int threads, double seconds, Write write) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> ts = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          for (long i = 0; System.nanoTime() < end; i++) {
            write.write(id, i);
            done.incrementAndGet();
          }
        } catch (Exception e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * W1's writer with auto-save off, on with {@link FilePersister} and on with
   * {@link SqlitePersister} (50 ms throttle, 1 s maximum delay; {@code -Dautosave.throttle=MS} and
   * {@code -Dautosave.maxDelay=MS} change them),
   * interleaved in rotating order for {@value #AUTOSAVE_ROUNDS} rounds after a warm-up round, each
   * run on a fresh store and directory after a full GC. Prints every
   * run, then per persister the median writer time and its ratio to the median with auto-save
   * off, and how long {@code close()} took to write what was left.
   */
  private static void autosave(Path dir) throws Exception {
    Ops ops = WorkloadData.fill(WorkloadData.SEED_W1, 100_000);
    String[] modes = {"off", "file", "sqlite"};
    java.util.Map<String, List<Double>> writer = new java.util.HashMap<>();
    java.util.Map<String, List<Double>> closing = new java.util.HashMap<>();
    for (int round = 0; round <= AUTOSAVE_ROUNDS; round++) {
      for (int m = 0; m < modes.length; m++) {
        String mode = modes[(m + round) % modes.length]; // rotated: no mode always follows another
        Path where = dir.resolve("autosave-" + round + "-" + mode);
        Store store = Workloads.replica(0);
        Duration throttle = Duration.ofMillis(Long.getLong("autosave.throttle", 50));
        Duration maxDelay = Duration.ofMillis(Long.getLong("autosave.maxDelay", 1000));
        Persister p = switch (mode) {
          case "file" -> FilePersister.builder(store, where).throttle(throttle).maxDelay(maxDelay).build();
          case "sqlite" -> SqlitePersister.builder(store, where.resolveSibling(where.getFileName() + ".db"))
              .throttle(throttle).maxDelay(maxDelay).build();
          default -> null;
        };
        if (p != null) {
          p.startAutoSave();
        }
        Measure.gc();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops.n; i += Workloads.TX_SIZE) {
          Workloads.writeTx(store, ops, i, Math.min(ops.n, i + Workloads.TX_SIZE));
        }
        long t1 = System.nanoTime();
        if (p != null) {
          p.close();
        }
        double ms = (t1 - t0) / 1e6;
        double closeMs = (System.nanoTime() - t1) / 1e6;
        if (round == 0) {
          continue; // warm-up
        }
        writer.computeIfAbsent(mode, k -> new ArrayList<>()).add(ms);
        closing.computeIfAbsent(mode, k -> new ArrayList<>()).add(closeMs);
        print(new Json().obj().str("bench", "autosave").str("persister", mode).num("round", round)
            .num("writerMs", ms).num("opsPerSec", ops.n / (ms / 1000)).num("closeMs", closeMs));
      }
    }
    double off = median(writer.get("off"));
    for (String mode : modes) {
      double m = median(writer.get(mode));
      print(new Json().obj().str("bench", "autosaveSummary").str("persister", mode).num("rounds", AUTOSAVE_ROUNDS)
          .num("medianWriterMs", m).num("opsPerSec", ops.n / (m / 1000)).num("writerTimeVsOff", m / off)
          .num("medianCloseMs", median(closing.get(mode))));
    }
  }

  private static final int AUTOSAVE_ROUNDS = 20;

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void coldStart(Path dir) throws Exception {
    Ops ops = WorkloadData.fill(WorkloadData.SEED_W1, 100_000);
    Store source = Workloads.replica(0);
    for (int i = 0; i < ops.n; i += Workloads.TX_SIZE) {
      Workloads.writeTx(source, ops, i, Math.min(ops.n, i + Workloads.TX_SIZE));
    }
    Path fileDir = dir.resolve("cold-file");
    Path dbFile = dir.resolve("cold.db");
    try (Persister f = FilePersister.builder(source, fileDir).build();
        Persister s = SqlitePersister.builder(source, dbFile).build()) {
      f.save();
      s.save();
    }
    for (String mode : new String[] {"file", "sqlite"}) {
      Store fresh = Workloads.replica(0);
      long t0 = System.nanoTime();
      try (Persister p = mode.equals("file") ? FilePersister.builder(fresh, fileDir).build()
          : SqlitePersister.builder(fresh, dbFile).build()) {
        p.load();
        double ms = (System.nanoTime() - t0) / 1e6;
        String digest = Content.of(fresh.getTable(WorkloadData.TABLE)).digest;
        print(new Json().obj().str("bench", "coldStart").str("persister", mode).num("cells", ops.n)
            .num("loadMs", ms).str("digest", digest));
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

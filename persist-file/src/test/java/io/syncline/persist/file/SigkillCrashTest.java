package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Durability;
import io.syncline.core.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts real child JVMs ({@link CrashChild}) that write with a SYNC journal and auto-save, kills
 * each with SIGKILL at a random moment, and checks after every kill that each write the child
 * acknowledged is on disk and no file is damaged. Runs {@code syncline.kills} kills (default 200,
 * as CI runs it) on two directories in parallel, and stops early at {@code syncline.killSeconds}
 * (default 180). Prints its seed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SigkillCrashTest {
  private static final AtomicLong ACKS = new AtomicLong();

  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    int kills = Integer.getInteger("syncline.kills", 200);
    long budgetNanos = TimeUnit.SECONDS.toNanos(Long.getLong("syncline.killSeconds", 180));
    long seed = Long.getLong("syncline.seed", System.nanoTime());
    System.out.println("SigkillCrashTest seed: " + seed + ", kills: " + kills);
    long deadline = System.nanoTime() + budgetNanos;
    AtomicLong done = new AtomicLong();
    ExecutorService lanes = Executors.newFixedThreadPool(2);
    List<Future<?>> futures = new ArrayList<>();
    for (int lane = 0; lane < 2; lane++) {
      Path laneDir = dir.resolve("lane-" + lane);
      Random random = new Random(seed + lane);
      int laneKills = kills / 2 + (lane == 0 ? kills % 2 : 0);
      futures.add(lanes.submit(() -> {
        for (int k = 0; k < laneKills && System.nanoTime() < deadline; k++) {
          long[] lastAcked = runAndKill(laneDir, random);
          verify(laneDir, lastAcked, "seed " + seed + " lane " + laneDir + " kill " + k);
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> future : futures) {
      future.get();
    }
    lanes.shutdown();
    System.out.println("SigkillCrashTest: " + done.get() + " kills verified, " + ACKS.get()
        + " acknowledged writes checked");
    assertThat(done.get()).isGreaterThanOrEqualTo(Math.min(kills, 4));
  }

  @Test
  void anotherProcessAutoLoadsWhatTheWriterSavesWithoutTouchingItsJournal() throws Exception {
    Path shared = dir.resolve("shared");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        shared.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Store reader = Store.builder().replicaId("reader").build();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (FilePersister loading = FilePersister.builder(reader, shared)
        .autoLoadInterval(java.time.Duration.ofMillis(20)).build()) {
      loading.addErrorListener(errors::add);
      loading.startAutoLoad();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (reader.rowIds("t").size() < CrashChild.ROWS) {
        assertThat(child.isAlive()).as("writer alive").isTrue();
        assertThat(System.nanoTime()).as("rows auto-loaded within 30 s").isLessThan(deadline);
        Thread.sleep(10);
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(errors).isEmpty();
    long[] none = new long[CrashChild.ROWS];
    Arrays.fill(none, -1);
    verify(shared, none, "after the reader");
  }

  /** Runs a child until a random moment after it is ready; returns the last ack per row. */
  private static long[] runAndKill(Path dir, Random random) throws IOException,
      InterruptedException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    Process child = new ProcessBuilder(javaBin, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        dir.toString()).redirectOutput(output.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long readyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(output).contains("READY")) {
        assertThat(child.isAlive()).as("child alive while starting").isTrue();
        assertThat(System.nanoTime()).as("child ready within 30 s").isLessThan(readyDeadline);
        Thread.sleep(2);
      }
      Thread.sleep(random.nextInt(150));
    } finally {
      child.destroyForcibly(); // SIGKILL
      child.waitFor(10, TimeUnit.SECONDS);
    }
    long[] lastAcked = new long[CrashChild.ROWS];
    Arrays.fill(lastAcked, -1);
    // Every line the child printed was acknowledged. A last line cut by the kill is a prefix of
    // an acknowledged value, hence a smaller value written (and, the journal being sequential,
    // made durable) before it: still a valid claim.
    for (String line : Files.readAllLines(output)) {
      assertThat(line).doesNotStartWith("SKIPPED");
      if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
        ACKS.incrementAndGet();
        ack(lastAcked, line);
      }
    }
    return lastAcked;
  }

  private static void ack(long[] lastAcked, String line) {
    long value = Long.parseLong(line.trim());
    int row = (int) (value % CrashChild.ROWS);
    lastAcked[row] = Math.max(lastAcked[row], value);
  }

  private static void verify(Path dir, long[] lastAcked, String context) {
    Store store = Store.builder().replicaId("verifier").build();
    FilePersister.LoadResult result;
    try (FilePersister persister = FilePersister.builder(store, dir).journal(Durability.SYNC)
        .build()) {
      result = persister.loadAsync().join();
    }
    assertThat(result.skipped()).as(context).isEmpty();
    for (int row = 0; row < CrashChild.ROWS; row++) {
      if (lastAcked[row] < 0) {
        continue;
      }
      Object value = store.getCell("t", "r" + row, "n");
      assertThat(value).as("%s: row r%d acknowledged %d", context, row, lastAcked[row])
          .isNotNull();
      assertThat((Long) value).as("%s: row r%d", context, row)
          .isGreaterThanOrEqualTo(lastAcked[row]);
    }
  }
}

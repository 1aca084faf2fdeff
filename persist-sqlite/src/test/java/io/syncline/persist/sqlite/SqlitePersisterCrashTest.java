package io.syncline.persist.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that writes and acknowledges saves ({@link CrashChild}) with SIGKILL at random
 * moments, then checks that the database passes SQLite's integrity check and holds every
 * acknowledged change. Bounded: at most {@value #MAX_KILLS} kills and {@value #BUDGET_SECONDS}
 * seconds. Replay a failure with {@code -Dsyncline.crash.seed=<seed printed by the test>}.
 */
class SqlitePersisterCrashTest {
  private static final int MAX_KILLS = 40;
  private static final int BUDGET_SECONDS = 45;

  @TempDir
  Path dir;

  /** What the children acknowledged: row -> batch, deleted rows, and each run's last batch. */
  private final Map<String, Long> rows = new HashMap<>();
  private final Set<String> deleted = new HashSet<>();
  private final Map<String, Long> lastBatch = new HashMap<>();

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyAcknowledgedSaveSurvivesSigkill() throws Exception {
    long seed = Long.getLong("syncline.crash.seed", System.nanoTime());
    System.out.println("SqlitePersisterCrashTest seed: " + seed + " (replay with -Dsyncline.crash.seed=" + seed + ")");
    Random random = new Random(seed);
    Path file = dir.resolve("crash.db");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
    int kills = 0;
    while (kills < MAX_KILLS && System.nanoTime() < deadline) {
      runAndKill(file, "r" + kills, random.nextLong(), random.nextInt(250), seed);
      kills++;
      if (kills % 10 == 0) {
        checkDatabase(file, seed);
      }
    }
    System.out.println("SqlitePersisterCrashTest: " + kills + " kills, " + rows.size() + " acknowledged rows");
    assertThat(kills).isGreaterThanOrEqualTo(5);
    assertThat(rows).as("acknowledged rows").isNotEmpty();
    checkDatabase(file, seed);
  }

  private void runAndKill(Path file, String run, long childSeed, int killAfterMillis, long seed) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), CrashChild.class.getName(), file.toString(), run,
        String.valueOf(childSeed)).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    Object ready = new Object();
    boolean[] isReady = {false};
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (ready) {
            output.add(line);
            if (line.startsWith("READY")) {
              isReady[0] = true;
              ready.notifyAll();
            }
          }
        }
      } catch (java.io.IOException e) {
        // The child died mid-line: the partial line is not an acknowledgement.
      }
      synchronized (ready) {
        isReady[0] = true;
        ready.notifyAll();
      }
    }, "crash-child-reader");
    reader.start();
    synchronized (ready) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!isReady[0] && System.nanoTime() < until) {
        ready.wait(100);
      }
    }
    Thread.sleep(killAfterMillis);
    child.destroyForcibly();
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("killed child exits").isTrue();
    reader.join(20_000);
    synchronized (ready) {
      assertThat(output).as("child %s output (seed %d)", run, seed).anyMatch(l -> l.startsWith("READY"));
      for (String line : output) {
        if (line.startsWith("ACK ")) {
          acknowledge(run, line.split(" "));
        }
      }
    }
  }

  private void acknowledge(String run, String[] ack) {
    long batch = Long.parseLong(ack[1]);
    int count = Integer.parseInt(ack[2]);
    for (int i = 0; i < count; i++) {
      rows.put(run + "-" + batch + "-" + i, batch);
    }
    if (!ack[3].equals("-")) {
      rows.remove(ack[3]);
      deleted.add(ack[3]);
    }
    lastBatch.put(run, batch);
  }

  private void checkDatabase(Path file, long seed) {
    try (SqliteCellStore db = SqliteCellStore.open(file)) {
      db.verify();
    }
    Store store = Store.builder().replicaId("checker").build();
    try (SqlitePersister p = SqlitePersister.builder(store, file).build()) {
      p.load();
    }
    rows.forEach((row, batch) -> {
      if (row.endsWith("-0") && CrashChild.deletes(batch + 1) && !store.hasRow("crash", row)) {
        return; // deleted by the next transaction, which auto-save may have saved unacknowledged
      }
      assertThat(store.getCell("crash", row, "n")).as("acknowledged row %s (seed %d)", row, seed).isEqualTo(batch);
      assertThat((String) store.getCell("crash", row, "payload")).startsWith("payload of " + row);
    });
    for (String row : deleted) {
      assertThat(store.hasRow("crash", row)).as("acknowledged delete of %s (seed %d)", row, seed).isFalse();
    }
    lastBatch.forEach((run, batch) ->
        assertThat((Long) store.getValue("last/" + run)).as("last batch of %s", run).isGreaterThanOrEqualTo(batch));
  }
}

package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.persist.file.WriteAheadLog.Durability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-based crash test: random appends, syncs, checkpoints, injected write failures and power
 * losses (keeping a random prefix of unsynced bytes), checking after each reopen that the log is
 * an intact prefix of what was appended and holds every record that was acknowledged as durable.
 * Prints its seed; rerun one with {@code -Dsyncline.seed=...}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteAheadLogCrashTest {
  @TempDir Path dir;

  record Entry(long position, String text) {}

  @Test
  void everyAcknowledgedRecordSurvivesRandomCrashes() throws IOException {
    long seed = Long.getLong("syncline.seed", System.nanoTime());
    System.out.println("WriteAheadLogCrashTest seed: " + seed + " (-Dsyncline.seed=" + seed + ")");
    Random random = new Random(seed);
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem();
    List<Entry> expected = new ArrayList<>(); // everything that may be in the log, in order
    int acknowledged = 0; // expected.get(0 .. acknowledged-1) must survive
    int counter = 0;
    for (int round = 0; round < 60; round++) {
      Durability durability = Durability.values()[random.nextInt(3)];
      WriteAheadLog log = WriteAheadLog.builder(dir).fileSystem(fs).durability(durability)
          .segmentSize(1024 + random.nextInt(2048)).open();
      List<Entry> replayed = new ArrayList<>();
      log.replay((p, r) -> replayed.add(new Entry(p, new String(r, StandardCharsets.UTF_8))));
      assertThat(replayed).as("seed %d round %d: an intact prefix of what was appended", seed,
          round).isEqualTo(expected.subList(0, replayed.size()));
      assertThat(replayed.size()).as("seed %d round %d: acknowledged records", seed, round)
          .isGreaterThanOrEqualTo(acknowledged);
      expected = new ArrayList<>(replayed);
      acknowledged = expected.size();
      int ops = random.nextInt(80);
      boolean failed = false;
      if (random.nextInt(4) == 0) {
        fs.failWrite(1 + random.nextInt(40));
      }
      for (int i = 0; i < ops && !failed; i++) {
        int op = random.nextInt(20);
        try {
          if (op == 0) {
            log.sync();
            acknowledged = expected.size();
          } else if (op == 1 && !expected.isEmpty()) {
            int cut = random.nextInt(expected.size());
            log.truncateBefore(expected.get(cut).position());
            expected = new ArrayList<>(expected.subList(cut, expected.size()));
            acknowledged = Math.max(0, acknowledged - cut);
          } else {
            String text = "record-" + (counter++) + "-" + "x".repeat(random.nextInt(120));
            long position = log.append(text.getBytes(StandardCharsets.UTF_8));
            expected.add(new Entry(position, text));
            if (durability == Durability.SYNC) {
              acknowledged = expected.size();
            }
          }
        } catch (IOException e) {
          // An injected failure: the log is unusable; what was appended may or may not be there.
          failed = true;
        }
      }
      if (random.nextBoolean()) {
        fs.crash(random.nextBoolean() ? random : null);
      } else {
        fs.kill();
      }
      WriteAheadLogTest.closeAbandoned(log);
    }
  }
}

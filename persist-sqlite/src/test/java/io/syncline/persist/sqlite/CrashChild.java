package io.syncline.persist.sqlite;

import io.syncline.core.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link SqlitePersisterCrashTest}: reopens the database, then auto-saves random
 * transactions forever, and after each {@link SqlitePersister#flush()} prints one line
 * {@code ACK <batch> <rows> <deleted row or ->} per transaction that flush made durable. Only
 * acknowledged transactions are checked after the parent kills it.
 *
 * <p>Arguments: database file, run id, random seed.
 */
public final class CrashChild {
  private CrashChild() {}

  /** Whether transaction {@code batch} deletes row 0 of the previous one (fixed, so the parent knows). */
  static boolean deletes(long batch) {
    return batch > 0 && batch % 4 == 0;
  }

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    String run = args[1];
    Random random = new Random(Long.parseLong(args[2]));
    String replica = "crash-" + run;
    Store store = Store.builder().replicaId(replica).lastSequence(SqlitePersister.lastSequence(file, replica)).build();
    SqlitePersister persister = SqlitePersister.builder(store, file).throttle(Duration.ofMillis(3)).build();
    persister.load();
    persister.startAutoSave();
    System.out.println("READY " + store.rowIds("crash").size());
    System.out.flush();
    List<String> unacknowledged = new ArrayList<>();
    for (int batch = 0; ; batch++) {
      int b = batch;
      int rows = 1 + random.nextInt(20);
      String deleted = deletes(batch) ? run + "-" + (batch - 1) + "-0" : "-";
      store.transaction(tx -> {
        for (int i = 0; i < rows; i++) {
          String row = run + "-" + b + "-" + i;
          tx.setCell("crash", row, "n", (long) b);
          tx.setCell("crash", row, "payload", "payload of " + row + " " + "x".repeat(random.nextInt(200)));
        }
        if (!deleted.equals("-")) {
          tx.delRow("crash", deleted);
        }
        tx.setValue("last/" + run, (long) b);
      });
      unacknowledged.add("ACK " + batch + " " + rows + " " + deleted);
      if (random.nextInt(3) == 0) {
        persister.flush();
        for (String line : unacknowledged) {
          System.out.println(line);
        }
        System.out.flush();
        unacknowledged.clear();
      }
    }
  }
}

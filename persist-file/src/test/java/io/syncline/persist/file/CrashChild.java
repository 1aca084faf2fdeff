package io.syncline.persist.file;

import io.syncline.core.Durability;
import io.syncline.core.Store;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process {@link SigkillCrashTest} kills: loads the store from a directory, then writes
 * forever with a SYNC journal and auto-save, printing each value once the write returned (was
 * acknowledged as durable). Row {@code r<i % ROWS>} gets the value {@code i}, so values only grow.
 */
public final class CrashChild {
  static final int ROWS = 50;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Store store = Store.builder().replicaId("child").build();
    FilePersister persister = FilePersister.builder(store, dir).throttle(Duration.ofMillis(5))
        .journal(Durability.SYNC).build();
    FilePersister.LoadResult loaded = persister.loadAsync().get();
    if (!loaded.skipped().isEmpty()) {
      System.out.println("SKIPPED " + loaded.skipped());
    }
    persister.startAutoSave();
    long next = 0;
    for (int r = 0; r < ROWS; r++) {
      Object value = store.getCell("t", "r" + r, "n");
      if (value != null) {
        next = Math.max(next, (Long) value + 1);
      }
    }
    System.out.println("READY");
    System.out.flush();
    for (long i = next; ; i++) {
      store.setCell("t", "r" + (i % ROWS), "n", i);
      System.out.println(i);
      System.out.flush();
    }
  }

  private CrashChild() {}
}

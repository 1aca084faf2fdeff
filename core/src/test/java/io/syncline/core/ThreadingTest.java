package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store serialises writers and gives readers only committed, consistent states. */
class ThreadingTest {
  @Test
  void concurrentWritersAndReadersSeeOnlyWholeTransactions() throws Exception {
    Store store = Store.builder().replicaId("a").build();
    int writers = 4;
    int perWriter = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String row = "w" + w;
      futures.add(pool.submit(() -> {
        for (int i = 1; i <= perWriter; i++) {
          long v = i;
          store.transaction(tx -> {
            tx.setCell("t", row, "a", v);
            tx.setCell("t", row, "b", -v);
          });
        }
      }));
    }
    List<String> violations = new ArrayList<>();
    for (int reader = 0; reader < 2; reader++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 2_000; i++) {
          for (Map<String, Object> row : store.getTable("t").values()) {
            if ((Long) row.get("a") != -(Long) row.get("b")) {
              synchronized (violations) {
                violations.add(row.toString());
              }
            }
          }
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(violations).isEmpty();
    assertThat(store.sequence()).isEqualTo((long) writers * perWriter);
    for (int w = 0; w < writers; w++) {
      assertThat(store.getRow("t", "w" + w)).isEqualTo(Map.of("a", (long) perWriter, "b", (long) -perWriter));
    }
  }
}

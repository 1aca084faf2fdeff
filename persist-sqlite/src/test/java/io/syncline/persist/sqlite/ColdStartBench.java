package io.syncline.persist.sqlite;

import io.syncline.core.Delta;
import io.syncline.core.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Cold start of a 1,000,000-cell store from SQLite: builds and saves the store once, then times
 * {@link SqlitePersister#load()} into a fresh store in a fresh persister (open, read, apply),
 * and separately the read and the apply, each a few times.
 *
 * <p>Run (from the repository root, after {@code mvn -o -pl testkit,persist-sqlite install}):
 * <pre>
 * cd persist-sqlite &amp;&amp; mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *   &amp;&amp; java -Xmx3g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *      io.syncline.persist.sqlite.ColdStartBench [cells] [dir]
 * </pre>
 */
public final class ColdStartBench {
  private ColdStartBench() {}

  public static void main(String[] args) throws Exception {
    int cells = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("syncline-coldstart");
    Path file = dir.resolve("cold.db");
    try {
      Store source = Store.builder().replicaId("bench").build();
      long t0 = System.nanoTime();
      source.transaction(tx -> {
        for (int i = 0; i < cells; i++) {
          int row = i / 10;
          int cell = i % 10;
          String table = "table" + (row % 4);
          Object value = switch (cell % 3) {
            case 0 -> (long) i;
            case 1 -> "value " + i;
            default -> i * 0.5;
          };
          tx.setCell(table, "row" + row, "c" + cell, value);
        }
      });
      System.out.printf("built %,d cells in memory: %d ms%n", cells, ms(t0));
      t0 = System.nanoTime();
      try (SqlitePersister p = SqlitePersister.builder(source, file).build()) {
        p.save();
      }
      System.out.printf("saved: %d ms, %,d bytes on disk%n", ms(t0), Files.size(file));

      for (int round = 1; round <= 3; round++) {
        long start = System.nanoTime();
        Store store = Store.builder().replicaId("reader").build();
        try (SqlitePersister p = SqlitePersister.builder(store, file).build()) {
          p.load();
        }
        long total = ms(start);
        long r0 = System.nanoTime();
        SqliteCellStore.Snapshot snapshot;
        try (SqliteCellStore db = SqliteCellStore.open(file)) {
          snapshot = db.readAll();
        }
        long read = ms(r0);
        long a0 = System.nanoTime();
        Delta delta = Delta.of("bench-load", snapshot.version(), snapshot.changes());
        long encode = ms(a0);
        a0 = System.nanoTime();
        Store other = Store.builder().replicaId("other").build();
        other.applyDelta(delta);
        long apply = ms(a0);
        System.out.printf("round %d: cold start (open + read + apply) %d ms; read %d ms, Delta.of %d ms, "
            + "applyDelta %d ms; %,d cells loaded%n", round, total, read, encode, apply, store.fullState().size());
      }
    } finally {
      if (args.length <= 1) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}

package io.syncline.testkit;

import io.syncline.core.Persister;
import io.syncline.core.Store;
import java.lang.reflect.Constructor;
import java.nio.file.Path;

/**
 * The child JVM of {@link PersisterContract#autoLoadPicksUpChangesFromAnotherProcess}: builds the
 * contract subclass named by {@code args[0]} (through its no-argument constructor), creates its
 * persister over directory {@code args[1]} for a store with replica id {@code args[2]}, auto-saves
 * {@code args[3]} rows into table {@code "fromChild"}, stops, and prints {@code DONE}.
 */
public final class SecondProcessWriter {
  private SecondProcessWriter() {}

  public static void main(String[] args) throws Exception {
    Class<?> type = Class.forName(args[0]);
    Constructor<?> constructor = type.getDeclaredConstructor();
    constructor.setAccessible(true);
    PersisterContract contract = (PersisterContract) constructor.newInstance();
    Path dir = Path.of(args[1]);
    Store store = Store.builder().replicaId(args[2]).build();
    int rows = Integer.parseInt(args[3]);
    try (Persister persister = contract.create(store, dir)) {
      persister.startAutoSave();
      for (int i = 0; i < rows; i++) {
        store.setRow("fromChild", "r" + i, java.util.Map.of("n", (long) i, "who", args[2]));
      }
      persister.stop();
    }
    System.out.println("DONE");
    System.out.flush();
  }
}

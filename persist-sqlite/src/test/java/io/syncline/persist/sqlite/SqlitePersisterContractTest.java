package io.syncline.persist.sqlite;

import io.syncline.core.Persister;
import io.syncline.core.Store;
import io.syncline.testkit.PersisterContract;
import java.nio.file.Path;
import java.time.Duration;

/** {@link SqlitePersister} against the contract every persister passes. */
class SqlitePersisterContractTest extends PersisterContract {
  @Override
  protected Persister create(Store store, Path dir) {
    return SqlitePersister.builder(store, dir.resolve("store.db"))
        .throttle(throttle())
        .autoLoadInterval(Duration.ofMillis(50))
        .build();
  }
}

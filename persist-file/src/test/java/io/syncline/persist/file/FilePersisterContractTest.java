package io.syncline.persist.file;

import io.syncline.core.Persister;
import io.syncline.core.Store;
import io.syncline.testkit.PersisterContract;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The persister contract every Syncline persister passes. {@link FilePersister} supports one
 * writing process per directory (documented in its Javadoc), so the concurrent-writers test is
 * skipped: two auto-saving persisters rewrite whole key files from their own view and may drop
 * each other's rows from disk.
 */
class FilePersisterContractTest extends PersisterContract {
  @Override
  protected Persister create(Store store, Path dir) {
    return FilePersister.builder(store, dir).throttle(throttle())
        .autoLoadInterval(Duration.ofMillis(25)).build();
  }

  @Override
  protected boolean supportsConcurrentWriters() {
    return false;
  }
}

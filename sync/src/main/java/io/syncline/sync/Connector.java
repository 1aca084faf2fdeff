package io.syncline.sync;

import io.syncline.sync.transport.Connection;

/**
 * Opens a new connection to one peer; the {@link SyncManager} calls it on start and after every
 * disconnect (with backoff). In-process tests return one end of an in-memory link whose other end
 * they hand to a {@link SyncHub}.
 */
@FunctionalInterface
public interface Connector {
  /**
   * A new, unstarted connection.
   *
   * @throws SyncException (or any runtime exception) if the peer cannot be reached now; the
   *     manager retries after its policy's reconnect delay
   */
  Connection connect();
}

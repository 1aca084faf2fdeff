package io.syncline.client;

import io.syncline.sync.SyncException;

/**
 * Root of the client module's unchecked exceptions: the client could not do what was asked for a
 * reason other than caller misuse (which throws {@link IllegalArgumentException} or
 * {@link IllegalStateException}).
 */
public class SyncClientException extends SyncException {
  public SyncClientException(String message) {
    super(message);
  }

  public SyncClientException(String message, Throwable cause) {
    super(message, cause);
  }
}

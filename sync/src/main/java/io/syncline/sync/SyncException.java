package io.syncline.sync;

/**
 * Root of the sync module's unchecked exceptions. Thrown when a sync operation fails for a reason
 * other than caller misuse (which throws {@link IllegalArgumentException} or
 * {@link IllegalStateException}).
 */
public class SyncException extends RuntimeException {
  public SyncException(String message) {
    super(message);
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}

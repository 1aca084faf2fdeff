package io.syncline.core;

/**
 * An incoming delta or changeset carried a stamp further ahead of the local clock than the
 * store's {@code maxClockSkew} allows. The whole delta or changeset was refused; nothing changed.
 */
public final class ClockSkewException extends SynclineException {
  private static final long serialVersionUID = 1L;

  public ClockSkewException(String message) {
    super(message);
  }
}

package io.syncline.core;

/** Base of every unchecked exception Syncline throws for a refused operation or bad data. */
public class SynclineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SynclineException(String message) {
    super(message);
  }

  public SynclineException(String message, Throwable cause) {
    super(message, cause);
  }
}

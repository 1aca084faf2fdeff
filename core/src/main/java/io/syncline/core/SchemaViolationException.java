package io.syncline.core;

/**
 * A write broke the store's {@link Schema}. The message names the table, row and cell (or the
 * value id) and the rule; the store is unchanged.
 */
public final class SchemaViolationException extends SynclineException {
  private static final long serialVersionUID = 1L;

  public SchemaViolationException(String message) {
    super(message);
  }
}

package io.syncline.persist.file;

/**
 * Root of the unchecked exceptions thrown by the file persistence module. Messages name the file
 * (and where useful the byte offset) at fault; the underlying cause is always attached.
 */
public class PersistFileException extends RuntimeException {
  public PersistFileException(String message) {
    super(message);
  }

  public PersistFileException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.syncline.core;

/**
 * Encoded bytes could not be decoded: truncated, corrupted (checksum mismatch), of an unknown
 * or future format version ({@link UnsupportedVersionException}), or structurally invalid. The
 * message says what and where.
 */
public class CorruptDataException extends SynclineException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }
}

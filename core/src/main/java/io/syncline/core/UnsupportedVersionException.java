package io.syncline.core;

/**
 * Encoded bytes are intact but in a format version this build does not read, most likely written
 * by a newer one. Unlike other {@link CorruptDataException}s the bytes are not damaged: keep
 * them, and read them with a build that knows the version.
 */
public final class UnsupportedVersionException extends CorruptDataException {
  private static final long serialVersionUID = 1L;

  private final int version;

  public UnsupportedVersionException(String message, int version) {
    super(message);
    this.version = version;
  }

  /** The format version the bytes declare. */
  public int version() {
    return version;
  }
}

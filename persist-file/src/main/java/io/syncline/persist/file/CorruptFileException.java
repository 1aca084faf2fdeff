package io.syncline.persist.file;

import java.nio.file.Path;

/**
 * A file on disk is damaged or not in a format this version can read. The data it held is not
 * returned: a damaged file never silently turns into wrong data.
 */
public class CorruptFileException extends PersistFileException {

  /** Why a file was refused. */
  public enum Reason {
    /** The file exists but holds no bytes. */
    ZERO_LENGTH,
    /** The file ends before the length its header announces. */
    TRUNCATED,
    /** The file does not start with the expected magic number. */
    WRONG_MAGIC,
    /** The file is a valid container of another format. */
    WRONG_FORMAT,
    /** The file's format version is outside the range the reader accepts. */
    UNSUPPORTED_VERSION,
    /** The stored checksum does not match the bytes. */
    CHECKSUM_MISMATCH,
    /** A structural field holds an impossible value. */
    MALFORMED
  }

  private final Path file;
  private final long offset;
  private final Reason reason;

  /**
   * @param file the damaged file
   * @param offset the byte offset of the damage, or -1 when it concerns the whole file
   * @param reason the kind of damage
   * @param detail a sentence describing the damage, without the file name
   */
  public CorruptFileException(Path file, long offset, Reason reason, String detail) {
    this(file, offset, reason, detail, null);
  }

  public CorruptFileException(
      Path file, long offset, Reason reason, String detail, Throwable cause) {
    super(message(file, offset, detail), cause);
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  private static String message(Path file, long offset, String detail) {
    String where = offset >= 0 ? " at byte offset " + offset : "";
    return "File " + file + " is corrupt" + where + ": " + detail;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** The byte offset of the damage, or -1 when it concerns the whole file. */
  public long offset() {
    return offset;
  }

  /** The kind of damage. */
  public Reason reason() {
    return reason;
  }
}

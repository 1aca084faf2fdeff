package io.syncline.persist.file;

import java.nio.file.Path;

/**
 * An encrypted file could not be decrypted: no key is known for its key id, or the key does not
 * authenticate the file. The file's checksum was valid, so the bytes are intact; the key is wrong.
 */
public class WrongKeyException extends PersistFileException {
  private final Path file;
  private final String keyId;

  public WrongKeyException(Path file, String keyId, String detail, Throwable cause) {
    super("Cannot decrypt " + file + " (key id '" + keyId + "'): " + detail, cause);
    this.file = file;
    this.keyId = keyId;
  }

  /** The file that could not be decrypted. */
  public Path file() {
    return file;
  }

  /** The key id recorded in the file's header. */
  public String keyId() {
    return keyId;
  }
}

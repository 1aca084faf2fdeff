package io.syncline.persist.file;

import io.syncline.persist.file.internal.ChecksummedFileReader;
import io.syncline.persist.file.internal.ChecksummedFileWriter;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Whole files written atomically and read back verified: a header (magic number, format name,
 * version, encryption key id), the body, and a CRC32C trailer; optionally the body is encrypted
 * with AES-256-GCM under a fresh random 12-byte nonce per write.
 *
 * <p>A write replaces the target atomically and durably (temporary file, fsync, rename, fsync of
 * the directory): after a crash at any instant the file holds its old or its new contents. A
 * read never returns damaged or unauthenticated bytes: it throws {@link CorruptFileException}
 * (naming the file and the kind of damage) or {@link WrongKeyException}.
 */
public final class ChecksummedFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ChecksummedFile() {}

  /**
   * A file's verified contents.
   *
   * @param keyId the id of the key the body was encrypted with, or null if it was not
   * @param checksum the file's CRC32C trailer, which differs between any two writes
   */
  public record Contents(String format, int version, String keyId, byte[] body, int checksum) {}

  /**
   * Writes a plain (unencrypted) file atomically and durably.
   *
   * @return the file's CRC32C trailer (see {@link Contents#checksum()})
   * @throws IOException if the file system fails; the target then keeps its old contents
   */
  public static int write(FileSystem fs, Path target, String format, int version, byte[] body)
      throws IOException {
    return write(fs, target, format, version, body, null, null);
  }

  /**
   * Writes a file atomically and durably, encrypted when {@code keyId} is not null.
   *
   * @param keyId the id of the key to encrypt with, or null to write a plain file
   * @param keys supplies the key for {@code keyId}; may be null when {@code keyId} is
   * @return the file's CRC32C trailer (see {@link Contents#checksum()})
   * @throws IllegalArgumentException if {@code keys} has no 256-bit AES key for {@code keyId}
   * @throws IOException if the file system fails; the target then keeps its old contents
   */
  public static int write(
      FileSystem fs, Path target, String format, int version, byte[] body, String keyId,
      KeyProvider keys) throws IOException {
    Objects.requireNonNull(body, "body");
    javax.crypto.SecretKey key = null;
    if (keyId != null) {
      if (keys == null) {
        throw new IllegalArgumentException("keyId '" + keyId + "' given without a KeyProvider");
      }
      key = keys.key(keyId);
    }
    byte[] bytes = ChecksummedFileWriter.encode(format, version, body, keyId, key, RANDOM);
    ChecksummedFileWriter.writeAtomically(fs, target, bytes);
    return java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
  }

  /**
   * Reads and verifies a file.
   *
   * @param minVersion the oldest format version accepted
   * @param maxVersion the newest format version accepted
   * @param keys decrypts encrypted files; may be null if none are expected
   * @throws NoSuchFileException if the file does not exist
   * @throws CorruptFileException if the file is zero-length, truncated, bit-flipped, not a
   *     Syncline file, of another format, or of a version outside the range
   * @throws WrongKeyException if the file is encrypted and cannot be authenticated
   */
  public static Contents read(
      FileSystem fs, Path file, String format, int minVersion, int maxVersion, KeyProvider keys)
      throws IOException {
    byte[] bytes = fs.readAll(file);
    ChecksummedFileReader.Decoded decoded =
        ChecksummedFileReader.decode(file, bytes, format, minVersion, maxVersion, keys);
    return new Contents(decoded.format(), decoded.version(), decoded.keyId(), decoded.body(),
        java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt());
  }

  /**
   * Checks a file's structure and checksum without decrypting it (Lucene's {@code
   * CodecUtil.checksumEntireFile}).
   *
   * @throws CorruptFileException if it is damaged
   */
  public static void verify(FileSystem fs, Path file) throws IOException {
    ChecksummedFileReader.verifyOnly(file, fs.readAll(file));
  }
}

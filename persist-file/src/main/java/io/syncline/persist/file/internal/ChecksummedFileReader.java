package io.syncline.persist.file.internal;

import static io.syncline.persist.file.internal.ChecksummedFileFormat.*;

import io.syncline.persist.file.CorruptFileException;
import io.syncline.persist.file.CorruptFileException.Reason;
import io.syncline.persist.file.KeyProvider;
import io.syncline.persist.file.WrongKeyException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Decodes the checksummed container. Checks run in this order, so the first failing one names
 * the problem: length, magic, checksum, format name, version, then decryption.
 */
public final class ChecksummedFileReader {
  private ChecksummedFileReader() {}

  /** A decoded container. */
  public record Decoded(String format, int version, String keyId, byte[] body) {}

  /** A parsed header; {@code bodyOffset} is where the stored body starts. */
  private record Header(
      String format, int version, String keyId, byte[] nonce, int bodyOffset, int bodyLength) {}

  /**
   * Decodes and authenticates a container.
   *
   * @param keys may be null when no file is expected to be encrypted
   */
  public static Decoded decode(
      Path file, byte[] bytes, String format, int minVersion, int maxVersion, KeyProvider keys) {
    Header header = verify(file, bytes);
    if (!header.format().equals(format)) {
      throw new CorruptFileException(file, 5, Reason.WRONG_FORMAT,
          "it holds a '" + header.format() + "' file, expected '" + format + "'.");
    }
    if (header.version() > maxVersion) {
      throw new CorruptFileException(file, -1, Reason.UNSUPPORTED_VERSION,
          "its format version " + header.version() + " is newer than the newest this reader "
              + "supports (" + maxVersion + "); upgrade Syncline to read it.");
    }
    if (header.version() < minVersion) {
      throw new CorruptFileException(file, -1, Reason.UNSUPPORTED_VERSION,
          "its format version " + header.version() + " is older than the oldest this reader "
              + "supports (" + minVersion + ").");
    }
    byte[] stored = Arrays.copyOfRange(bytes, header.bodyOffset(),
        header.bodyOffset() + header.bodyLength());
    byte[] body = header.keyId() == null ? stored : decrypt(file, bytes, header, stored, keys);
    return new Decoded(header.format(), header.version(), header.keyId(), body);
  }

  /**
   * Checks a container's structure and checksum without decrypting it.
   *
   * @throws CorruptFileException if the file is damaged
   */
  public static void verifyOnly(Path file, byte[] bytes) {
    verify(file, bytes);
  }

  private static Header verify(Path file, byte[] bytes) {
    if (bytes.length == 0) {
      throw new CorruptFileException(file, 0, Reason.ZERO_LENGTH, "it is empty (zero bytes).");
    }
    if (bytes.length >= 4 && ByteBuffer.wrap(bytes).getInt() != MAGIC) {
      throw new CorruptFileException(file, 0, Reason.WRONG_MAGIC,
          "it does not start with the Syncline file magic number.");
    }
    if (bytes.length < MIN_LENGTH) {
      throw truncated(file, bytes.length, MIN_LENGTH);
    }
    Header header;
    try {
      header = parseHeader(bytes);
    } catch (BufferUnderflowException e) {
      throw new CorruptFileException(file, bytes.length, Reason.TRUNCATED,
          "it ends inside its header (" + bytes.length + " bytes).", e);
    }
    long expected = (long) header.bodyOffset() + header.bodyLength() + TRAILER_LENGTH;
    if (bytes.length < expected) {
      throw truncated(file, bytes.length, expected);
    }
    if (bytes.length > expected) {
      throw new CorruptFileException(file, expected, Reason.MALFORMED,
          "it has " + (bytes.length - expected) + " unexpected bytes after its checksum.");
    }
    int crcOffset = bytes.length - TRAILER_LENGTH;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, crcOffset);
    int stored = ByteBuffer.wrap(bytes, crcOffset, TRAILER_LENGTH).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptFileException(file, crcOffset, Reason.CHECKSUM_MISMATCH, String.format(
          "its CRC32C checksum is %08x but its bytes sum to %08x.", stored, (int) crc.getValue()));
    }
    return header;
  }

  private static CorruptFileException truncated(Path file, long actual, long expected) {
    return new CorruptFileException(file, actual, Reason.TRUNCATED,
        "it is " + actual + " bytes long but its header requires " + expected + ".");
  }

  private static Header parseHeader(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.getInt(); // magic, already checked
    byte[] name = new byte[in.get() & 0xFF];
    in.get(name);
    int version = in.getShort() & 0xFFFF;
    int flags = in.get() & 0xFF;
    byte[] id = new byte[in.getShort() & 0xFFFF];
    in.get(id);
    byte[] nonce = null;
    if ((flags & FLAG_ENCRYPTED) != 0) {
      nonce = new byte[NONCE_LENGTH];
      in.get(nonce);
    }
    long bodyLength = in.getInt() & 0xFFFFFFFFL;
    String keyId = (flags & FLAG_ENCRYPTED) != 0 ? new String(id, StandardCharsets.UTF_8) : null;
    int length = (int) Math.min(bodyLength, Integer.MAX_VALUE - 64);
    return new Header(new String(name, StandardCharsets.UTF_8), version, keyId, nonce,
        in.position(), length);
  }

  private static byte[] decrypt(
      Path file, byte[] bytes, Header header, byte[] stored, KeyProvider keys) {
    String keyId = header.keyId();
    if (keys == null) {
      throw new WrongKeyException(file, keyId, "the file is encrypted but no KeyProvider is set.",
          null);
    }
    SecretKey key = keys.key(keyId);
    if (key == null) {
      throw new WrongKeyException(file, keyId, "the KeyProvider knows no key with this id.", null);
    }
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, header.nonce()));
      cipher.updateAAD(bytes, 0, header.bodyOffset());
      return cipher.doFinal(stored);
    } catch (AEADBadTagException e) {
      throw new WrongKeyException(file, keyId,
          "the key does not authenticate the file (wrong key for this id).", e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new WrongKeyException(file, keyId, "the key cannot be used for AES-256-GCM.", e);
    }
  }
}

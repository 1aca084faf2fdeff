package io.syncline.persist.file.internal;

import static io.syncline.persist.file.internal.ChecksummedFileFormat.*;

import io.syncline.persist.file.FileSystem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** Encodes the checksummed container and writes it atomically. */
public final class ChecksummedFileWriter {
  private ChecksummedFileWriter() {}

  /**
   * Encodes a container.
   *
   * @param keyId the key id to record, or null for a plain file
   * @param key the key to encrypt with; required exactly when {@code keyId} is not null
   */
  public static byte[] encode(
      String format, int version, byte[] body, String keyId, SecretKey key, SecureRandom random) {
    byte[] name = format.getBytes(StandardCharsets.UTF_8);
    if (name.length > 255) {
      throw new IllegalArgumentException("format name is longer than 255 bytes: " + format);
    }
    if (version < 0 || version > 0xFFFF) {
      throw new IllegalArgumentException("version must be in [0, 65535]: " + version);
    }
    byte[] id = keyId == null ? new byte[0] : keyId.getBytes(StandardCharsets.UTF_8);
    if (id.length > 0xFFFF) {
      throw new IllegalArgumentException("key id is longer than 65535 bytes");
    }
    byte[] nonce = null;
    if (keyId != null) {
      nonce = new byte[NONCE_LENGTH];
      random.nextBytes(nonce);
    }
    int storedLength = keyId == null ? body.length : body.length + TAG_BITS / 8;
    byte[] header = header(name, version, keyId != null, id, nonce, storedLength);
    byte[] stored = keyId == null ? body : encrypt(body, header, key, keyId, nonce);
    ByteBuffer out = ByteBuffer.allocate(header.length + stored.length + TRAILER_LENGTH);
    out.put(header).put(stored);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  private static byte[] header(
      byte[] name, int version, boolean encrypted, byte[] id, byte[] nonce, int storedLength) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeByte(name.length);
      out.write(name);
      out.writeShort(version);
      out.writeByte(encrypted ? FLAG_ENCRYPTED : 0);
      out.writeShort(id.length);
      out.write(id);
      if (encrypted) {
        out.write(nonce);
      }
      out.writeInt(storedLength);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return bytes.toByteArray();
  }

  private static byte[] encrypt(
      byte[] body, byte[] aad, SecretKey key, String keyId, byte[] nonce) {
    checkKey(key, keyId);
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed with key id '" + keyId + "'", e);
    }
  }

  static void checkKey(SecretKey key, String keyId) {
    if (key == null) {
      throw new IllegalArgumentException("No key is available for key id '" + keyId + "'");
    }
    byte[] encoded = key.getEncoded();
    if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || encoded == null || encoded.length != 32) {
      throw new IllegalArgumentException(
          "Key id '" + keyId + "' must be a 256-bit AES key, not " + key.getAlgorithm());
    }
  }

  /**
   * Writes {@code contents} to {@code target} atomically and durably: a temporary file in the same
   * directory is written and forced, renamed over the target, and the directory is forced. After
   * a crash at any instant the target holds either its old or its new contents.
   */
  public static void writeAtomically(FileSystem fs, Path target, byte[] contents)
      throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Path temp =
        directory.resolve(
            "." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean moved = false;
    try {
      try (FileSystem.Handle handle = fs.open(temp, true)) {
        handle.truncate(0);
        handle.write(ByteBuffer.wrap(contents), 0);
        handle.force();
      }
      fs.atomicMove(temp, target);
      moved = true;
      fs.syncDirectory(directory);
    } finally {
      if (!moved) {
        try {
          fs.delete(temp);
        } catch (IOException suppressed) {
          // The original failure is what the caller needs; a stray temp file is swept on open.
        }
      }
    }
  }

  /** Whether a file name is one of this writer's temporary files. */
  public static boolean isTemporary(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".tmp");
  }
}

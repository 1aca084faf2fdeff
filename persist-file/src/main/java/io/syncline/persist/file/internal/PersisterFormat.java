package io.syncline.persist.file.internal;

import io.syncline.core.Delta;
import io.syncline.core.UnsupportedVersionException;
import io.syncline.core.VersionVector;
import io.syncline.persist.file.ChecksummedFile;
import io.syncline.persist.file.CorruptFileException;
import io.syncline.persist.file.CorruptFileException.Reason;
import io.syncline.persist.file.FileSystem;
import io.syncline.persist.file.KeyProvider;
import io.syncline.persist.file.PersistFileException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The files of a {@code FilePersister} directory. Each is a {@link ChecksummedFileFormat}
 * container (optionally encrypted) whose body is described here; big-endian integers.
 *
 * <pre>
 * key-&lt;encoded key&gt;.slc   format "syncline-persister-key", version 1
 *   keyLength u16, key UTF-8,
 *   delta     the rest: a core {@code Delta} (its own encoding and CRC) holding every cell,
 *             tombstone and value of the key with its stamp, version vector EMPTY
 * index.slc                  format "syncline-persister-index", version 1
 *   vvLength u32, version vector (core encoding) covering everything in the directory,
 *   count u32, then per key: key (u16 length + UTF-8), file name (u16 + UTF-8),
 *   checksum u32 (the key file's CRC32C trailer, so auto-load reads only changed files),
 *   tableCount u32, table ids (u16 + UTF-8 each)
 * </pre>
 *
 * The index is written last in each batch; loading reads every key file present, so a crash
 * between files loses nothing that reached a file, and the index's version vector is applied
 * only after every file loaded cleanly.
 */
public final class PersisterFormat {
  public static final String KEY_FORMAT = "syncline-persister-key";
  public static final String INDEX_FORMAT = "syncline-persister-index";
  public static final int VERSION = 1;
  public static final String INDEX_FILE = "index.slc";
  public static final String KEY_PREFIX = "key-";
  public static final String SUFFIX = ".slc";
  private static final int MAX_PLAIN_NAME = 160;

  private PersisterFormat() {}

  /** One index entry. */
  public record IndexEntry(String key, String fileName, int checksum, List<String> tables) {}

  /** A decoded index. */
  public record Index(VersionVector version, List<IndexEntry> entries) {}

  /** A decoded key file. */
  /** A decoded key file: its persistence key and the delta of its rows (and values). */
  public record KeyFile(String key, Delta delta) {
    /**
     * Reads the whole change block of the delta, which decoding leaves for first use.
     *
     * @throws CorruptFileException if it is malformed
     */
    public void validate(Path file) {
      try {
        delta.size();
      } catch (RuntimeException e) {
        throw new CorruptFileException(file, -1, Reason.MALFORMED,
            "its body is not a valid key file: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The file name of a key: letters a-z, digits, '-' and '_' are kept, every other UTF-8 byte is
   * written %XX (so names differ even on case-insensitive file systems); long keys are shortened
   * to a SHA-256 digest.
   */
  public static String fileName(String key) {
    StringBuilder name = new StringBuilder(KEY_PREFIX);
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        name.append(c);
      } else {
        name.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    if (name.length() > MAX_PLAIN_NAME) {
      name.setLength(0);
      name.append(KEY_PREFIX).append("sha256-").append(sha256(key));
    }
    return name.append(SUFFIX).toString();
  }

  /** Whether a file name is a key file's. */
  public static boolean isKeyFile(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(KEY_PREFIX) && name.endsWith(SUFFIX);
  }

  /**
   * Checks every index and key file of a directory (structure, checksum, version, decryption)
   * without applying anything.
   *
   * @return the problems found, empty if every file is sound
   */
  public static List<PersistFileException> verifyDirectory(FileSystem fs, Path directory,
      KeyProvider keys) throws java.io.IOException {
    List<PersistFileException> problems = new ArrayList<>();
    for (Path file : fs.list(directory)) {
      boolean index = file.getFileName().toString().equals(INDEX_FILE);
      if (!index && !isKeyFile(file)) {
        continue;
      }
      try {
        byte[] body = ChecksummedFile.read(fs, file, index ? INDEX_FORMAT : KEY_FORMAT, VERSION,
            VERSION, keys).body();
        if (index) {
          decodeIndex(file, body);
        } else {
          decodeKeyFile(file, body).validate(file);
        }
      } catch (PersistFileException e) {
        problems.add(e);
      } catch (java.nio.file.NoSuchFileException e) {
        // removed by a save meanwhile
      }
    }
    return List.copyOf(problems);
  }

  private static String sha256(String key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  public static byte[] encodeKeyFile(String key, Delta delta) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] d = delta.encode();
    return ByteBuffer.allocate(2 + k.length + d.length).putShort((short) k.length).put(k).put(d)
        .array();
  }

  /**
   * Decodes a key file. Its delta's change block is checked when first used (see core's
   * {@link Delta}); {@link KeyFile#validate} checks it now.
   *
   * @throws CorruptFileException if the body is malformed (its container checksum was valid, so
   *     this means a bug or a foreign writer)
   */
  public static KeyFile decodeKeyFile(Path file, byte[] body) {
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      String key = readString(in);
      byte[] delta = new byte[in.remaining()];
      in.get(delta);
      return new KeyFile(key, Delta.decode(delta));
    } catch (UnsupportedVersionException e) {
      throw new CorruptFileException(file, -1, Reason.UNSUPPORTED_VERSION,
          "it holds a delta in core format version " + e.version() + ", which this build cannot read "
              + "(written by a newer build?): " + e.getMessage(), e);
    } catch (RuntimeException e) { // BufferUnderflowException or core's CorruptDataException
      throw new CorruptFileException(file, -1, Reason.MALFORMED,
          "its body is not a valid key file: " + e.getMessage(), e);
    }
  }

  public static byte[] encodeIndex(Index index) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] vv = index.version().encode();
    out.writeBytes(ByteBuffer.allocate(4).putInt(vv.length).array());
    out.writeBytes(vv);
    out.writeBytes(ByteBuffer.allocate(4).putInt(index.entries().size()).array());
    for (IndexEntry entry : index.entries()) {
      writeString(out, entry.key());
      writeString(out, entry.fileName());
      out.writeBytes(ByteBuffer.allocate(4).putInt(entry.checksum()).array());
      out.writeBytes(ByteBuffer.allocate(4).putInt(entry.tables().size()).array());
      for (String table : entry.tables()) {
        writeString(out, table);
      }
    }
    return out.toByteArray();
  }

  public static Index decodeIndex(Path file, byte[] body) {
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      byte[] vv = new byte[in.getInt()];
      in.get(vv);
      VersionVector version = VersionVector.decode(vv);
      int count = in.getInt();
      List<IndexEntry> entries = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String key = readString(in);
        String fileName = readString(in);
        int checksum = in.getInt();
        int tableCount = in.getInt();
        List<String> tables = new ArrayList<>();
        for (int t = 0; t < tableCount; t++) {
          tables.add(readString(in));
        }
        entries.add(new IndexEntry(key, fileName, checksum, List.copyOf(tables)));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes");
      }
      return new Index(version, List.copyOf(entries));
    } catch (RuntimeException e) {
      throw new CorruptFileException(file, -1, Reason.MALFORMED,
          "its body is not a valid index: " + e.getMessage(), e);
    }
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("A persistence key or table id is longer than 65535 "
          + "bytes: " + s.substring(0, 40) + "...");
    }
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) bytes.length).array());
    out.writeBytes(bytes);
  }

  private static String readString(ByteBuffer in) {
    byte[] bytes = new byte[in.getShort() & 0xFFFF];
    if (bytes.length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

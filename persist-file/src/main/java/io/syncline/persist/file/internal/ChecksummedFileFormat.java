package io.syncline.persist.file.internal;

/**
 * Constants of the checksummed container that every Syncline file (other than log segments) is
 * stored in. All integers are big-endian.
 *
 * <pre>
 * magic        4 bytes  "SLCF"
 * formatLength u8       length of the format name
 * format       bytes    UTF-8 name of the payload's format, e.g. "syncline-persister-data"
 * version      u16      version of that format
 * flags        u8       bit 0: the body is AES-256-GCM encrypted
 * keyIdLength  u16      0 when not encrypted
 * keyId        bytes    UTF-8 id of the encryption key
 * nonce        12 bytes only when encrypted: the GCM nonce, random per write
 * bodyLength   u32      length of the stored body (ciphertext including the 16-byte tag)
 * body         bytes
 * crc          u32      CRC32C of every preceding byte
 * </pre>
 *
 * When encrypted, every header byte (magic to bodyLength) is the GCM additional authenticated
 * data, so a header cannot be altered without failing authentication.
 */
public final class ChecksummedFileFormat {
  public static final int MAGIC = 0x534C4346; // "SLCF"
  public static final int FLAG_ENCRYPTED = 1;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_BITS = 128;
  public static final int TRAILER_LENGTH = 4;
  public static final String CIPHER = "AES/GCM/NoPadding";
  /** The smallest well-formed file: empty format name, no key, empty body. */
  public static final int MIN_LENGTH = 4 + 1 + 2 + 1 + 2 + 4 + TRAILER_LENGTH;

  private ChecksummedFileFormat() {}
}

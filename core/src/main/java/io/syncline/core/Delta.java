package io.syncline.core;

import io.syncline.core.internal.ByteReader;
import io.syncline.core.internal.ByteWriter;
import io.syncline.core.internal.ChangeBlocks;
import io.syncline.core.internal.ChangeDecoder;
import io.syncline.core.internal.Envelope;
import java.util.List;

/**
 * The cells and values one replica has that another lacks, with the sender's version vector:
 * what {@link Store#deltaSince} produces and {@link Store#applyDelta} consumes. A delta is held
 * in its encoded form, so encoding is free.
 *
 * <p>Validation happens in two steps. {@link #decode} checks the envelope (kind, format version,
 * CRC32C checksum), the source and the version vector, which catches truncated, damaged and
 * future-format bytes at once. The change block is validated in full on first use:
 * {@link #size()}, {@link #changes()} or applying the delta. Applying an invalid delta throws
 * before anything is applied; a store with no data yet checks and applies in one pass and, on an
 * error, drops what that pass wrote, so a full state loads with a single read of its bytes.
 *
 * <p>Binary form: {@code u8 'D', u8 version=2, string source, version vector, change block,
 * u32le CRC32C} (see {@code docs/protocol.md}).
 *
 * <p>Applying a delta also merges its {@link #version()} into the receiver's version vector.
 * That is only sound for a <em>complete</em> delta: everything the source held beyond the
 * receiver's vector. {@link Store#deltaSince} always produces one; a delta built with
 * {@link #of} from a partial list of changes must carry {@link VersionVector#EMPTY}.
 */
public final class Delta {
  private final byte[] bytes;
  private final String source;
  private final VersionVector version;
  private final int bodyOffset;
  /** What a full read of the change block found; null until one happened. Racy but idempotent. */
  private volatile Summary summary;

  Delta(byte[] bytes, String source, VersionVector version, int bodyOffset, Summary summary) {
    this.bytes = bytes;
    this.source = source;
    this.version = version;
    this.bodyOffset = bodyOffset;
    this.summary = summary;
  }

  /** The number of changes and the newest stamp time of a validated change block. */
  record Summary(int size, long maxMillis) {}

  /** A delta holding exactly {@code changes}; see the class comment about {@code version}. */
  public static Delta of(String source, VersionVector version, List<? extends Change> changes) {
    Store.checkId(source, "delta source");
    ByteWriter w = Envelope.begin('D', 64 + changes.size() * 24);
    w.writeString(source);
    version.writeTo(w);
    int body = w.position();
    ChangeBlocks.write(w, changes);
    long max = 0;
    for (Change c : changes) {
      max = Math.max(max, c.stamp().millis());
    }
    return new Delta(Envelope.finish(w), source, version, body, new Summary(changes.size(), max));
  }

  /**
   * Decodes an encoded delta, checking its envelope, checksum, source and version vector; the
   * change block is validated on first use (see the class comment).
   *
   * @throws CorruptDataException if the bytes are truncated, corrupted or of another format
   *     version
   */
  public static Delta decode(byte[] bytes) {
    ByteReader r = Envelope.open(bytes, 'D', "delta");
    String source = r.readString();
    if (source.isEmpty()) {
      throw r.corrupt("empty source replica id");
    }
    VersionVector version = VersionVector.readFrom(r);
    return new Delta(bytes, source, version, r.position(), null);
  }

  /** The replica id of the store that produced this delta. */
  public String source() {
    return source;
  }

  /** The source's version vector when it produced this delta. */
  public VersionVector version() {
    return version;
  }

  /**
   * Number of cell and value changes.
   *
   * @throws CorruptDataException if the change block is invalid (the first call validates it)
   */
  public int size() {
    return summary().size();
  }

  /** True if the delta carries no change; validates like {@link #size()}. */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** The largest stamp time in the delta, checked against the receiver's clock skew limit. */
  long maxMillis() {
    return summary().maxMillis();
  }

  private Summary summary() {
    Summary s = summary;
    if (s == null) {
      s = read(NO_OP, false, false);
    }
    return s;
  }

  /** The encoded form. The array is shared, not copied: do not modify it. */
  public byte[] encode() {
    return bytes;
  }

  /** The changes as objects (decoded on each call). */
  public List<Change> changes() {
    return ChangeBlocks.read(body(), Envelope.version(bytes));
  }

  /**
   * Reads the whole change block into {@code visitor}, validating it, and remembers what it
   * found. Ids, strings and JSON trees are created only if {@code materialize}; strings not even
   * then if {@code rawText} (see {@link ChangeDecoder.Visitor}).
   *
   * @throws CorruptDataException if the block is invalid; the visitor may have seen part of it
   */
  Summary read(ChangeDecoder.Visitor visitor, boolean materialize, boolean rawText) {
    ByteReader r = body();
    ChangeDecoder d = new ChangeDecoder(r, Envelope.version(bytes), materialize, rawText);
    d.read(visitor);
    r.expectEnd();
    Summary s = new Summary(d.count(), d.maxMillis());
    summary = s;
    return s;
  }

  private ByteReader body() {
    return new ByteReader(bytes, bodyOffset, bytes.length - 4, "delta");
  }

  @Override
  public String toString() {
    Summary s = summary;
    return "Delta[from " + source + ", " + (s == null ? "unread" : s.size() + " changes") + ", " + bytes.length
        + " bytes]";
  }

  private static final ChangeDecoder.Visitor NO_OP = new ChangeDecoder.Visitor() {};
}

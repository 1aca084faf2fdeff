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
 * in its encoded form, so encoding is free and decoding validates once.
 *
 * <p>Binary form: {@code u8 'D', u8 version=1, string source, version vector, change block,
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
  private final int size;
  private final long maxMillis;
  private final int bodyOffset;

  Delta(byte[] bytes, String source, VersionVector version, int size, long maxMillis, int bodyOffset) {
    this.bytes = bytes;
    this.source = source;
    this.version = version;
    this.size = size;
    this.maxMillis = maxMillis;
    this.bodyOffset = bodyOffset;
  }

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
    return new Delta(Envelope.finish(w), source, version, changes.size(), max, body);
  }

  /**
   * Decodes and fully validates an encoded delta.
   *
   * @throws CorruptDataException if the bytes are truncated, corrupted, of another format version
   *     or structurally invalid
   */
  public static Delta decode(byte[] bytes) {
    ByteReader r = Envelope.open(bytes, 'D', "delta");
    String source = r.readString();
    if (source.isEmpty()) {
      throw r.corrupt("empty source replica id");
    }
    VersionVector version = VersionVector.readFrom(r);
    int body = r.position();
    ChangeDecoder d = new ChangeDecoder(r, false);
    d.read(NO_OP);
    r.expectEnd();
    return new Delta(bytes, source, version, d.count(), d.maxMillis(), body);
  }

  /** The replica id of the store that produced this delta. */
  public String source() {
    return source;
  }

  /** The source's version vector when it produced this delta. */
  public VersionVector version() {
    return version;
  }

  /** Number of cell and value changes. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The largest stamp time in the delta, checked against the receiver's clock skew limit. */
  long maxMillis() {
    return maxMillis;
  }

  /** The encoded form. The array is shared, not copied: do not modify it. */
  public byte[] encode() {
    return bytes;
  }

  /** The changes as objects (decoded on each call). */
  public List<Change> changes() {
    return ChangeBlocks.read(body());
  }

  void accept(ChangeDecoder.Visitor visitor) {
    new ChangeDecoder(body()).read(visitor);
  }

  private ByteReader body() {
    return new ByteReader(bytes, bodyOffset, bytes.length - 4, "delta");
  }

  @Override
  public String toString() {
    return "Delta[from " + source + ", " + size + " changes, " + bytes.length + " bytes]";
  }

  private static final ChangeDecoder.Visitor NO_OP = new ChangeDecoder.Visitor() {
    @Override
    public void table(String tableId, String[] cellIds, int rowCount) {}

    @Override
    public void row(String rowId, int cellCount) {}

    @Override
    public void cell(int col, byte kind, long bits, Object ref, long hi, int lo) {}

    @Override
    public void value(String valueId, byte kind, long bits, Object ref, long hi, int lo) {}
  };
}

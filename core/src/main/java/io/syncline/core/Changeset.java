package io.syncline.core;

import io.syncline.core.internal.ByteReader;
import io.syncline.core.internal.ByteWriter;
import io.syncline.core.internal.ChangeBlocks;
import io.syncline.core.internal.Envelope;
import io.syncline.core.internal.Values;
import java.util.List;
import java.util.Objects;

/**
 * What one transaction committed: the replica that made it ({@code origin}), that replica's
 * sequence number for it, the mutator name and arguments if it was made by one, and the stamped
 * changes. A changeset applied to a replica that has already seen it changes nothing, so
 * re-delivery is harmless.
 *
 * <p>Binary form ({@link #encode()}): {@code u8 'C', u8 version=2, string origin, varint
 * sequence, string mutator ("" for none), json args, change block, u32le CRC32C}.
 *
 * @param origin replica id of the writer
 * @param sequence the origin's sequence number for this changeset, from 1
 * @param mutator name of the mutator that produced it, or {@code null}
 * @param args the mutator's arguments (an immutable JSON tree), or {@code null}
 * @param changes the stamped changes, at most one per cell or value
 */
public record Changeset(String origin, long sequence, String mutator, Object args, List<Change> changes) {
  public Changeset {
    Objects.requireNonNull(origin, "origin");
    changes = List.copyOf(changes);
    if (mutator != null && mutator.isEmpty()) {
      throw new IllegalArgumentException("Changeset mutator name must be null or non-empty");
    }
  }

  public int size() {
    return changes.size();
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public byte[] encode() {
    ByteWriter w = Envelope.begin('C', 32 + changes.size() * 24);
    w.writeString(origin);
    w.writeVarint(sequence);
    w.writeString(mutator == null ? "" : mutator);
    Values.writeJson(w, args);
    ChangeBlocks.write(w, changes);
    return Envelope.finish(w);
  }

  /**
   * Decodes {@link #encode()}'s form.
   *
   * @throws CorruptDataException if the bytes are truncated, corrupted, of another format version
   *     or structurally invalid
   */
  public static Changeset decode(byte[] bytes) {
    ByteReader r = Envelope.open(bytes, 'C', "changeset");
    String origin = r.readString();
    long sequence = r.readVarint();
    String mutator = r.readString();
    Object args = Values.readJson(r);
    List<Change> changes = ChangeBlocks.read(r, Envelope.version(bytes));
    r.expectEnd();
    return new Changeset(origin, sequence, mutator.isEmpty() ? null : mutator, args, changes);
  }
}

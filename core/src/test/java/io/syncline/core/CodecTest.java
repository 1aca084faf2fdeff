package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static Store sample() {
    Store s = Store.builder().replicaId("ünïcode-replica").build();
    s.setRow("pets", "fïdo", Map.of("name", "Fido 🐕", "legs", -4, "w", 1.5, "ok", false, "tags", Map.of("a", List.of(1, "x"))));
    s.setRow("pets/1/friends", "rex", Map.of("since", 2020));
    s.delCell("pets", "fïdo", "ok");
    s.setValue("open", true);
    return s;
  }

  @Test
  void deltaRoundTripsEveryKindOfCell() {
    Store s = sample();
    Delta d = s.fullState();
    Delta back = Delta.decode(d.encode());
    assertThat(back.size()).isEqualTo(d.size()).isEqualTo(7);
    assertThat(back.source()).isEqualTo("ünïcode-replica");
    assertThat(back.version()).isEqualTo(s.versionVector());
    assertThat(back.changes()).isEqualTo(d.changes());
    Store t = Store.create();
    t.applyDelta(back);
    assertThat(t.getTables()).isEqualTo(s.getTables());
    assertThat(t.getValues()).isEqualTo(s.getValues());
  }

  @Test
  void changesetAndVersionVectorRoundTrip() {
    Store s = sample();
    Changeset[] last = new Changeset[1];
    s.addChangesetListener((cs, o) -> last[0] = cs);
    s.transaction(tx -> {
      tx.setCell("t", "r", "c", "x");
      tx.delValue("open");
    });
    assertThat(Changeset.decode(last[0].encode())).isEqualTo(last[0]);
    assertThat(VersionVector.decode(s.versionVector().encode())).isEqualTo(s.versionVector());
  }

  @Test
  void everyTruncationIsRefusedWithAClearError() {
    byte[] bytes = sample().fullState().encode();
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> Delta.decode(cut)).isInstanceOf(CorruptDataException.class).hasMessageContaining("delta");
    }
  }

  @Test
  void everySingleBitFlipIsDetected() {
    byte[] bytes = sample().fullState().encode();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> Delta.decode(flipped)).isInstanceOf(CorruptDataException.class);
    }
  }

  @Test
  void version1BytesStillDecode() {
    // docs/protocol.md's examples as version 1 wrote them: no layout byte in a table section
    Stamp s1 = new Stamp(1_000, 0, 5);
    Stamp s2 = new Stamp(1_000, 1, 5);
    Delta delta = Delta.decode(java.util.HexFormat.of().parseHex(
        "440101610105000000e8070101050000000101740101630100017201001a00d00f00017601016e03020e990a5902"));
    assertThat(delta.version()).isEqualTo(VersionVector.of(Map.of(5, s2)));
    assertThat(delta.changes()).containsExactly(new CellChange("t", "r", "c", "v", s1), new ValueChange("n", 7L, s2));
    Store store = Store.create();
    store.applyDelta(delta);
    assertThat(store.getCell("t", "r", "c")).isEqualTo("v");
    assertThat(Changeset.decode(java.util.HexFormat.of().parseHex(
        "4301016103000001050000000101740101630100017201001900d00f00004c5e0a3a")).changes())
        .containsExactly(new CellChange("t", "r", "c", null, s1));
    assertThat(VersionVector.decode(java.util.HexFormat.of().parseHex("56010105000000e80701")))
        .isEqualTo(VersionVector.of(Map.of(5, s2)));
  }

  @Test
  void aFutureVersionIsNamedInTheError() {
    byte[] good = sample().fullState().encode();
    byte[] damaged = good.clone();
    damaged[1] = 9;
    assertThatThrownBy(() -> Delta.decode(damaged)).hasMessageContaining("checksum mismatch")
        .isNotInstanceOf(UnsupportedVersionException.class); // a damaged version byte is damage
    byte[] bytes = ColumnLayoutTest.mutated(good, 1, (byte) 9); // intact, as a newer build writes
    assertThatThrownBy(() -> Delta.decode(bytes)).hasMessageContaining("version 9")
        .isInstanceOfSatisfying(UnsupportedVersionException.class, e -> assertThat(e.version()).isEqualTo(9));
    assertThatThrownBy(() -> Changeset.decode(bytes)).hasMessageContaining("Not a changeset");
  }

  @Test
  void absurdCountsAreRefusedWithoutAllocating() {
    // a well-formed envelope whose body claims 2^31 clients
    io.syncline.core.internal.ByteWriter w = io.syncline.core.internal.Envelope.begin('D', 16);
    w.writeString("x");
    w.writeVarint(0); // empty version vector
    w.writeVarint(Integer.MAX_VALUE);
    byte[] bytes = io.syncline.core.internal.Envelope.finish(w);
    Delta delta = Delta.decode(bytes); // the envelope is fine; the change block is read on first use
    assertThatThrownBy(delta::size).isInstanceOf(CorruptDataException.class).hasMessageContaining("count");
    Store fresh = Store.create();
    assertThatThrownBy(() -> fresh.applyDelta(delta)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("count");
    assertThat(fresh.fullState().isEmpty()).isTrue();
  }

  @Test
  void aCountPatchedBeforeUpTo64KiBIsMinimalAndBeforeMoreIsPaddedAndBothReadBack() {
    for (int tail : new int[] {0, 3, 64 * 1024, 64 * 1024 + 1}) {
      io.syncline.core.internal.ByteWriter w = new io.syncline.core.internal.ByteWriter(16);
      w.writeByte(7);
      int at = w.reserveCount();
      for (int i = 0; i < tail; i++) {
        w.writeByte(i & 0x7F);
      }
      w.patchCount(at, 300);
      byte[] bytes = w.toByteArray();
      assertThat(bytes).hasSize(1 + (tail <= 64 * 1024 ? 2 : 5) + tail);
      io.syncline.core.internal.ByteReader r = new io.syncline.core.internal.ByteReader(bytes, "test");
      assertThat(r.readByte()).isEqualTo(7);
      assertThat(r.readVarint()).isEqualTo(300);
      for (int i = 0; i < tail; i++) {
        assertThat(r.readByte()).isEqualTo(i & 0x7F);
      }
      r.expectEnd();
    }
  }

  /** A valid full state of {@code s} whose values section is replaced by one value with an empty id. */
  private static byte[] withBrokenValues(Store s) {
    byte[] good = s.fullState().encode();
    int end = good.length - 4 - 1; // before the CRC and the trailing "0 values"
    assertThat(good[end]).isEqualTo((byte) 0);
    io.syncline.core.internal.ByteWriter w = io.syncline.core.internal.Envelope.begin('D', good.length);
    w.writeBytes(good, 2, end - 2);
    w.writeVarint(1);
    w.writeVarint(0); // an empty value id
    w.writeBytes(new byte[] {1, 0, 0}, 0, 3); // and what would be its cell
    return io.syncline.core.internal.Envelope.finish(w);
  }

  @Test
  void aFreshStoreDropsAllOfAnInvalidDeltaItReadInOnePass() {
    Store source = Store.builder().replicaId("src").build();
    source.setRow("t", "a", Map.of("x", 1, "y", "text"));
    source.setRow("u", "b", Map.of("z", 2.5));
    Delta broken = Delta.decode(withBrokenValues(source));

    Store fresh = Store.builder().replicaId("dst").build();
    List<Changeset> seen = new java.util.ArrayList<>();
    fresh.addChangesetListener((cs, origin) -> seen.add(cs));
    assertThatThrownBy(() -> fresh.applyDelta(broken)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("value id is empty");
    assertThat(fresh.getTables()).isEmpty();
    assertThat(fresh.tableIds()).isEmpty();
    assertThat(fresh.versionVector().isEmpty()).isTrue();
    assertThat(fresh.fullState().isEmpty()).isTrue();
    assertThat(seen).isEmpty();

    // the same store still loads a good delta, and its own client table holds no stale writer
    fresh.applyDelta(source.fullState());
    fresh.setCell("t", "a", "x", 3);
    Store other = Store.create();
    other.applyDelta(Delta.decode(fresh.fullState().encode()));
    assertThat(other.getTables()).isEqualTo(Map.of("t", Map.of("a", Map.of("x", 3L, "y", "text")),
        "u", Map.of("b", Map.of("z", 2.5))));
    assertThat(seen).hasSize(2);
  }

  @Test
  void aFreshStoreWithASchemaDropsAllOfADeltaThatBreaksIt() {
    Store source = Store.create();
    source.setRow("pets", "a", Map.of("species", "dog"));
    source.setRow("pets", "b", Map.of("species", 42));
    Schema schema = Schema.builder().table("pets", Map.of("species", CellSchema.of(CellType.STRING))).build();
    Store fresh = Store.builder().schema(schema).build();
    assertThatThrownBy(() -> fresh.applyDelta(source.fullState())).isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("pets/b/species");
    assertThat(fresh.getTables()).isEmpty();
    assertThat(fresh.fullState().isEmpty()).isTrue();
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButCorruptData() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = (byte) "DCV".charAt(random.nextInt(3));
      }
      for (Runnable decode : List.<Runnable>of(() -> Delta.decode(bytes), () -> Changeset.decode(bytes),
          () -> VersionVector.decode(bytes))) {
        try {
          decode.run();
        } catch (CorruptDataException expected) {
          assertThat(expected.getMessage()).isNotBlank();
        }
      }
    }
  }
}

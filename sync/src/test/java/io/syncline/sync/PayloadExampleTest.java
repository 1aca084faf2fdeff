package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.CellChange;
import io.syncline.core.Changeset;
import io.syncline.core.Delta;
import io.syncline.core.Stamp;
import io.syncline.core.Store;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the payload examples of {@code docs/protocol.md} section 11 true: if the core's format
 * changes, this test fails and the document must change with it.
 */
class PayloadExampleTest {
  private static final Stamp S1 = new Stamp(1_000, 0, 5);
  private static final Stamp S2 = new Stamp(1_000, 1, 5);

  static Delta exampleDelta() {
    return Delta.of("a", VersionVector.of(Map.of(5, S2)), List.of(
        new CellChange("t", "r", "c", "v", S1), new ValueChange("n", 7L, S2)));
  }

  /** A full state in the column layout: replica "a" at a clock stopped at 1000 ms. */
  static Delta exampleFullState() {
    Store store = Store.builder().replicaId("a").clock(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC)).build();
    store.transaction(tx -> {
      tx.setCell("t", "r1", "c", 1);
      tx.setCell("t", "r2", "c", 2);
      tx.setCell("t", "r2", "d", true);
    });
    return store.fullState();
  }

  @Test
  void examplesMatchTheDocument() {
    assertThat(hex(exampleFullState().encode())).isEqualTo("44020161012c290c24e80702012c290c24010174"
        + "0102016301640200027231010132021b00d00f000203020401010602007725978d");
    assertThat(hex(exampleDelta().encode())).isEqualTo(
        "440201610105000000e807010105000000010174000101630100017201001a00d00f00017601016e03020e153dc4cc");
    assertThat(hex(new Changeset("a", 3, null, null,
        List.of(new CellChange("t", "r", "c", null, S1))).encode())).isEqualTo(
        "430201610300000105000000010174000101630100017201001900d00f00004e3d0766");
    assertThat(hex(VersionVector.of(Map.of(5, S2)).encode())).isEqualTo("56010105000000e80701");
    assertThat(Delta.decode(exampleDelta().encode()).changes())
        .isEqualTo(exampleDelta().changes());
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}

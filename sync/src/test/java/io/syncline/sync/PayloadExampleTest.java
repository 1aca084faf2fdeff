package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.CellChange;
import io.syncline.core.Changeset;
import io.syncline.core.Delta;
import io.syncline.core.Stamp;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
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

  @Test
  void examplesMatchTheDocument() {
    assertThat(hex(exampleDelta().encode())).isEqualTo(
        "440101610105000000e8070101050000000101740101630100017201001a00d00f00017601016e03020e990a5902");
    assertThat(hex(new Changeset("a", 3, null, null,
        List.of(new CellChange("t", "r", "c", null, S1))).encode())).isEqualTo(
        "4301016103000001050000000101740101630100017201001900d00f00004c5e0a3a");
    assertThat(hex(VersionVector.of(Map.of(5, S2)).encode())).isEqualTo("56010105000000e80701");
    assertThat(Delta.decode(exampleDelta().encode()).changes())
        .isEqualTo(exampleDelta().changes());
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}

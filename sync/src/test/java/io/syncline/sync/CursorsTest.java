package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Store;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class CursorsTest {
  @Test
  void sequenceCursorsRoundTrip() {
    for (long seq : new long[] {0, 1, 127, 128, 300, Long.MAX_VALUE}) {
      Cursors.Parsed p = Cursors.parse(Cursors.sequence(-5, seq), "c");
      assertThat(p.isSequence()).isTrue();
      assertThat(p.epoch()).isEqualTo(-5);
      assertThat(p.sequence()).isEqualTo(seq);
    }
    assertThat(Cursors.sequence(42, 1).hex()).isEqualTo("01000000000000002a01");
  }

  @Test
  void versionVectorCursorsRoundTrip() {
    Store s = Store.builder().replicaId("a").build();
    s.setCell("t", "r", "c", 1L);
    VersionVector vv = s.versionVector();
    assertThat(Cursors.parse(Cursors.versionVector(vv), "c").vector()).isEqualTo(vv);
  }

  @Test
  void emptyIsEverythingAndGarbageIsABadPayload() {
    assertThat(Cursors.parse(Bytes.EMPTY, "c").isEmpty()).isTrue();
    for (byte[] bad : new byte[][] {{3}, {1, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80},
        {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}, {2, 9, 9}}) {
      assertThatThrownBy(() -> Cursors.parse(Bytes.of(bad), "Pull.cursor"))
          .isInstanceOfSatisfying(ProtocolException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PAYLOAD))
          .hasMessageContaining("Pull.cursor");
    }
  }
}

package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * String cells live as UTF-8 bytes in per-column text arenas (see {@code TableData}): overwrites
 * leave garbage that is compacted between transactions, and everything that keeps an old string
 * (undo, listeners' old values, change-log entries not yet polled) must still read it right.
 */
class TextArenaTest {
  private static String big(char c, int i) {
    return String.valueOf(c).repeat(2000) + i;
  }

  @Test
  void overwritesAreCompactedAndEveryReaderStillSeesTheRightStrings() {
    Store s = Store.builder().replicaId("a").build();
    ChangeLog.Tailer tailer = s.changeLog().tailer("t");
    s.setCell("t", "keep", "c", "kept ünïcödé 🐕");
    for (int i = 0; i < 400; i++) { // 800 KB of garbage in column c: compaction runs several times
      s.setCell("t", "hot", "c", big('x', i));
    }
    s.setCell("t", "other", "c", "after");
    assertThat(s.getCell("t", "keep", "c")).isEqualTo("kept ünïcödé 🐕");
    assertThat(s.getCell("t", "hot", "c")).isEqualTo(big('x', 399));

    // change-log entries taken before those compactions still materialise their own strings
    List<Changeset> logged = tailer.poll(1000);
    assertThat(logged).hasSize(402);
    assertThat(((CellChange) logged.get(0).changes().get(0)).value()).isEqualTo("kept ünïcödé 🐕");
    for (int i = 0; i < 400; i++) {
      assertThat(((CellChange) logged.get(1 + i).changes().get(0)).value()).isEqualTo(big('x', i));
    }

    Store copy = Store.create();
    copy.applyDelta(Delta.decode(s.fullState().encode()));
    assertThat(copy.getTables()).isEqualTo(s.getTables());
  }

  @Test
  void rollbackAndListenersKeepOldStrings() {
    Store s = Store.builder().replicaId("a").build();
    s.setCell("t", "r", "c", "first é");
    List<CellEvent> events = new ArrayList<>();
    s.addCellListener(null, null, null, events::add);
    boolean abort = true;
    assertThatThrownBy(() -> s.transaction(tx -> {
      tx.setCell("t", "r", "c", "second");
      tx.setCell("t", "r", "c", "third");
      if (abort) {
        throw new IllegalStateException("abort");
      }
    })).hasMessage("abort");
    assertThat(s.getCell("t", "r", "c")).isEqualTo("first é");
    assertThat(events).isEmpty();

    s.transaction(tx -> {
      tx.setCell("t", "r", "c", "second");
      tx.setCell("t", "r", "c", "third 🐕");
    });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.oldValue()).isEqualTo("first é");
      assertThat(e.newValue()).isEqualTo("third 🐕");
    });
  }

  @Test
  void writingTheSameStringAgainChangesNothing() {
    Store s = Store.builder().replicaId("a").build();
    s.setRow("t", "r", Map.of("ascii", "plain", "utf", "naïve 🐕"));
    VersionVector before = s.versionVector();
    long seq = s.sequence();
    s.setCell("t", "r", "ascii", "plain");
    s.setCell("t", "r", "utf", "naïve 🐕");
    assertThat(s.sequence()).isEqualTo(seq);
    assertThat(s.versionVector()).isEqualTo(before);
    s.setCell("t", "r", "utf", "naïve 🐈");
    assertThat(s.sequence()).isEqualTo(seq + 1);
    assertThat(s.getCell("t", "r", "utf")).isEqualTo("naïve 🐈");
  }

  @Test
  void remoteStringsAreCopiedFromTheDeltaAndMergeByStamp() {
    Store a = Store.builder().replicaId("a").build();
    java.time.Clock minuteAgo = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(-1));
    Store b = Store.builder().replicaId("b").clock(minuteAgo).build();
    b.setCell("t", "r", "c", "older b");
    a.setRow("t", "r", Map.of("c", "from a ✓", "d", "only a"));
    byte[] wire = a.fullState().encode();
    b.applyDelta(Delta.decode(wire)); // a non-empty store: the two-pass path
    java.util.Arrays.fill(wire, (byte) 0); // the store must not keep pointing into the message
    assertThat(b.getRow("t", "r")).isEqualTo(a.getRow("t", "r"));
    b.setCell("t", "r", "c", "newer b");
    a.applyDelta(Delta.decode(b.deltaSince(a.versionVector()).encode()));
    assertThat(a.getCell("t", "r", "c")).isEqualTo("newer b");
  }
}

package io.syncline.sync.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.sync.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InMemoryTransportTest {
  private final VirtualScheduler scheduler = new VirtualScheduler();

  @Test
  void perfectPairDeliversEveryFrameOnceInOrderAndNeverInline() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
    RecordingHandler right = new RecordingHandler();
    pair.right().start(right);
    pair.left().start(new RecordingHandler());
    for (int i = 0; i < 100; i++) {
      pair.left().send(new byte[] {(byte) i});
    }
    assertThat(right.frames).isEmpty();
    scheduler.runDue();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add(i);
    }
    assertThat(right.frames).isEqualTo(expected);
  }

  @Test
  void framesSentBeforeStartAreDeliveredAfterIt() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
    pair.left().send(new byte[] {1});
    scheduler.runDue();
    RecordingHandler right = new RecordingHandler();
    pair.right().start(right);
    scheduler.runDue();
    assertThat(right.frames).containsExactly(1);
    assertThatThrownBy(() -> pair.right().start(right)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeDeliversFramesSentBeforeItThenClosesBothEndsOnce() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
    RecordingHandler left = new RecordingHandler();
    RecordingHandler right = new RecordingHandler();
    pair.left().start(left);
    pair.right().start(right);
    pair.left().send(new byte[] {1});
    pair.left().close("done");
    pair.left().close("again");
    assertThat(pair.left().send(new byte[] {3})).isFalse();
    pair.right().send(new byte[] {2}); // the right end has not heard of the close yet
    scheduler.runDue();
    assertThat(right.frames).containsExactly(1);
    assertThat(left.frames).isEmpty();
    assertThat(pair.right().isOpen()).isFalse();
    assertThat(left.closed).isEqualTo("done");
    assertThat(right.closed).isEqualTo("done");
    assertThat(left.closeCalls + right.closeCalls).isEqualTo(2);
  }

  @Test
  void faultyLinkReplaysTheSameFaultsForTheSameSeed() {
    assertThat(runFaulty(42)).isEqualTo(runFaulty(42));
    assertThat(runFaulty(42)).isNotEqualTo(runFaulty(43));
  }

  @Test
  void faultyLinkDropsDuplicatesAndReorders() {
    List<Integer> got = runFaulty(7);
    assertThat(new java.util.HashSet<>(got)).hasSizeLessThan(200).isNotEmpty(); // drops
    assertThat(got).hasSizeGreaterThan(new java.util.HashSet<>(got).size()); // duplicates
    List<Integer> sorted = new ArrayList<>(got); // reordering: arrivals are not in send order
    sorted.sort(null);
    assertThat(got).isNotEqualTo(sorted);
  }

  @Test
  void faultyLinkCutClosesBothEnds() {
    FaultyLink link = FaultyLink.create(scheduler, new Random(1), FaultPlan.NONE, "f");
    RecordingHandler left = new RecordingHandler();
    RecordingHandler right = new RecordingHandler();
    link.left().start(left);
    link.right().start(right);
    link.right().send(new byte[] {1});
    link.cut();
    scheduler.runDue();
    assertThat(left.frames).isEmpty(); // lost in flight
    assertThat(left.closed).isEqualTo("link cut");
    assertThat(right.closed).isEqualTo("link cut");
    assertThat(link.left().isOpen()).isFalse();
  }

  @Test
  void faultyLinkWithCertainDropAndDuplicate() {
    FaultyLink dropAll = FaultyLink.create(scheduler, new Random(1),
        new FaultPlan(1, 0, 0, 0, 0), "d");
    RecordingHandler r1 = new RecordingHandler();
    dropAll.right().start(r1);
    dropAll.left().send(new byte[] {1});
    FaultyLink dupAll = FaultyLink.create(scheduler, new Random(1),
        new FaultPlan(0, 1, 0, 0, 0), "u");
    RecordingHandler r2 = new RecordingHandler();
    dupAll.right().start(r2);
    dupAll.left().send(new byte[] {1});
    scheduler.advance(10);
    assertThat(r1.frames).isEmpty();
    assertThat(r2.frames).containsExactly(1, 1);
  }

  /** Sends 200 distinct frames numbered 0..199 and records every arrival, duplicates included. */
  private List<Integer> runFaulty(long seed) {
    VirtualScheduler s = new VirtualScheduler();
    FaultyLink link = FaultyLink.create(s, new Random(seed), new FaultPlan(0.2, 0.2, 0, 20, 0), "f");
    List<Integer> got = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    link.right().start(new Connection.FrameHandler() {
      @Override
      public void onFrame(byte[] frame) {
        int v = ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF);
        seen.add(v);
        got.add(v);
      }

      @Override
      public void onClose(String reason) {}
    });
    for (int i = 0; i < 200; i++) {
      link.left().send(new byte[] {(byte) (i >> 8), (byte) i});
      s.advance(1);
    }
    s.advance(100);
    assertThat(seen).hasSizeLessThan(200);
    return got;
  }
}

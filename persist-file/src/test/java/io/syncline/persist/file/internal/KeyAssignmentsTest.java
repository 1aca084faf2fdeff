package io.syncline.persist.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.persist.file.internal.KeyAssignments.Plan;
import io.syncline.persist.file.internal.KeyAssignments.Write;
import io.syncline.persist.file.internal.StoreMirror.RowRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KeyAssignmentsTest {
  static final RowRef A = new RowRef("notes", "a");
  static final RowRef B = new RowRef("notes", "b");
  static final RowRef C = new RowRef("notes", "c");

  private static List<String> order(Plan plan) {
    return plan.writes().stream().map(Write::key).collect(Collectors.toList());
  }

  @Test
  void everyRowIsInSomeWrittenFileAfterEachWriteOfAChainOfMoves() {
    KeyAssignments keys = new KeyAssignments();
    keys.assign(A, "x");
    keys.assign(B, "y");
    // a: x -> y and b: y -> z in one batch
    Map<RowRef, String> target = Map.of(A, "y", B, "z");
    Plan plan = keys.plan(List.of(A, B), List.of(), null, target::get, key -> false);
    assertThat(plan.touched()).containsExactlyInAnyOrder("x", "y", "z");
    // Simulate the disk after each write: a row must always be in at least one file.
    Map<String, Set<RowRef>> disk = new java.util.HashMap<>(Map.of("x", Set.of(A), "y", Set.of(B)));
    for (Write write : plan.writes()) {
      disk.put(write.key(), write.rows());
      Set<RowRef> everywhere = disk.values().stream().flatMap(Set::stream)
          .collect(Collectors.toSet());
      assertThat(everywhere).as("after writing %s (order %s)", write.key(), order(plan))
          .contains(A, B);
    }
    assertThat(order(plan)).containsExactly("y", "z", "y"); // y gains a, then loses b
    assertThat(plan.emptied()).containsExactly("x"); // deleted after the index is written
    plan.emptied().forEach(disk::remove);
    assertThat(disk).isEqualTo(Map.of("y", Set.of(A), "z", Set.of(B)));
  }

  @Test
  void anEmptiedKeyIsDeletedNotWritten() {
    KeyAssignments keys = new KeyAssignments();
    keys.assign(A, "x");
    Plan plan = keys.plan(List.of(A), List.of(), null, row -> "y", key -> false);
    assertThat(order(plan)).containsExactly("y");
    assertThat(plan.writes().get(0).rows()).containsExactly(A);
    assertThat(plan.emptied()).containsExactly("x");
    keys.commit(plan);
    assertThat(keys.keyOf(A)).isEqualTo("y");
    assertThat(keys.keys()).containsExactly("y");
  }

  @Test
  void eachKeyIsWrittenOnceUnlessItBothGainsAndLosesRows() {
    KeyAssignments keys = new KeyAssignments();
    keys.assign(A, "x");
    keys.assign(B, "x");
    Map<RowRef, String> target = Map.of(A, "x", B, "x", C, "x");
    Plan plan = keys.plan(List.of(A, B, C), List.of("x"), "x", target::get, key -> true);
    assertThat(order(plan)).containsExactly("x");
    assertThat(plan.writes().get(0).rows()).containsExactlyInAnyOrder(A, B, C);
  }
}

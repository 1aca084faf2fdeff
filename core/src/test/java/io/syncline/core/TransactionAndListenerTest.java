package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransactionAndListenerTest {
  private final Store store = Store.builder().replicaId("alice").build();
  private final List<Object> events = new ArrayList<>();

  @Test
  void aTransactionCommitsAsOneChangesetAndFiresOncePerCell() {
    store.addCellListener(null, null, null, events::add);
    List<Changeset> changesets = new ArrayList<>();
    store.addChangesetListener((cs, origin) -> changesets.add(cs));
    store.transaction(tx -> {
      tx.setCell("pets", "fido", "legs", 3);
      tx.setCell("pets", "fido", "legs", 4);
      tx.setValue("open", true);
      assertThat(tx.getCell("pets", "fido", "legs")).isEqualTo(4L);
      assertThat(events).isEmpty();
    });
    assertThat(events).containsExactly(new CellEvent("pets", "fido", "legs", null, 4L, Origin.LOCAL));
    assertThat(changesets).hasSize(1);
    Changeset cs = changesets.get(0);
    assertThat(cs.origin()).isEqualTo("alice");
    assertThat(cs.sequence()).isEqualTo(1);
    assertThat(cs.changes()).hasSize(2);
    assertThat(cs.changes().get(0)).isInstanceOfSatisfying(CellChange.class, c -> assertThat(c.value()).isEqualTo(4L));
  }

  @Test
  void anExceptionRollsEverythingBackAndNoListenerFires() {
    store.setCell("t", "r", "c", "before");
    store.addCellListener(null, null, null, events::add);
    store.addRowListener(null, null, events::add);
    Map<String, Map<String, Map<String, Object>>> before = store.getTables();
    VersionVector vv = store.versionVector();
    assertThatThrownBy(() -> store.transaction((java.util.function.Consumer<Transaction>) tx -> {
      tx.setCell("t", "r", "c", "after");
      tx.setCell("t", "r2", "c", 1);
      tx.delRow("t", "r");
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(store.getTables()).isEqualTo(before);
    assertThat(events).isEmpty();
    assertThat(store.sequence()).isEqualTo(1);
    assertThat(store.deltaSince(vv).isEmpty()).isTrue();
  }

  @Test
  void aRollbackRestoresJsonValuesInEveryTableItTouched() {
    store.setCell("t", "r", "j", Map.of("k", List.of(1, 2)));
    store.setCell("u", "r", "s", "text");
    store.setValue("v", List.of("x"));
    Map<String, Map<String, Map<String, Object>>> before = store.getTables();
    Map<String, Object> values = store.getValues();
    assertThatThrownBy(() -> store.transaction((java.util.function.Consumer<Transaction>) tx -> {
      tx.setCell("t", "r", "j", Map.of("k", 3));
      tx.setCell("u", "r", "s", "other");
      tx.setCell("t", "r", "j", "now a string");
      tx.setValue("v", 5);
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(store.getTables()).isEqualTo(before);
    assertThat(store.getValues()).isEqualTo(values);

    // the next transaction's old values are its own cells', not trees left over from the rollback
    store.addCellListener(null, null, null, events::add);
    store.transaction(tx -> {
      tx.setCell("u", "r", "s", "new");
      tx.setCell("t", "r", "j", "plain");
    });
    assertThat(events).extracting(e -> ((CellEvent) e).oldValue())
        .containsExactly("text", Map.of("k", List.of(1L, 2L)));
  }

  @Test
  void transactionReturnsTheFunctionsResult() {
    long n = store.transaction(tx -> {
      tx.setCell("t", "r", "c", 7);
      return (Long) tx.getCell("t", "r", "c");
    });
    assertThat(n).isEqualTo(7);
  }

  @Test
  void wildcardsFilterByTableRowAndCell() {
    store.addCellListener("pets", null, "legs", e -> events.add("legs:" + e.row()));
    store.addRowListener("pets", "fido", e -> events.add("row:" + e.row()));
    store.addTableListener(null, e -> events.add("table:" + e.table()));
    store.addValueListener("open", e -> events.add("value:" + e.newValue()));
    store.transaction(tx -> {
      tx.setCell("pets", "fido", "legs", 4);
      tx.setCell("pets", "rex", "legs", 3);
      tx.setCell("pets", "rex", "color", "brown");
      tx.setCell("cars", "a", "legs", 0);
      tx.setValue("open", true);
      tx.setValue("other", 1);
    });
    assertThat(events).containsExactly("legs:fido", "legs:rex", "value:true", "row:fido", "table:pets", "table:cars");
  }

  @Test
  void closedSubscriptionsStopListening() {
    Subscription s = store.addCellListener(null, null, null, events::add);
    store.setCell("t", "r", "c", 1);
    s.close();
    store.setCell("t", "r", "c", 2);
    assertThat(events).hasSize(1);
  }

  @Test
  void aThrowingListenerDoesNotBreakTheStoreOrOtherListeners() {
    store.addCellListener(null, null, null, e -> {
      throw new RuntimeException("listener bug");
    });
    store.addCellListener(null, null, null, events::add);
    store.setCell("t", "r", "c", 1);
    assertThat(events).hasSize(1);
    assertThat(store.getCell("t", "r", "c")).isEqualTo(1L);
  }

  @Test
  void aListenerMayWriteAndSeesTheCommittedState() {
    store.addCellListener("t", null, "c", e -> {
      assertThat(store.getCell("t", e.row(), "c")).isEqualTo(e.newValue());
      store.setCell("audit", e.row(), "seen", e.newValue());
    });
    store.setCell("t", "r", "c", "x");
    assertThat(store.getCell("audit", "r", "seen")).isEqualTo("x");
    assertThat(store.sequence()).isEqualTo(2);
  }

  @Test
  void remoteChangesAreReportedAsRemote() {
    Store other = Store.builder().replicaId("bob").build();
    other.setCell("t", "r", "c", 1);
    store.addCellListener(null, null, null, events::add);
    store.applyDelta(other.deltaSince(store.versionVector()));
    assertThat(events).containsExactly(new CellEvent("t", "r", "c", null, 1L, Origin.REMOTE));
  }

  @Test
  void mutatorsRecordTheirNameAndArguments() {
    List<Changeset> changesets = new ArrayList<>();
    store.addChangesetListener((cs, origin) -> changesets.add(cs));
    store.registerMutator("adopt", (tx, args) -> tx.setCell("pets", (String) args.get("name"), "adopted", true));
    store.mutate("adopt", Map.of("name", "fido"));
    assertThat(store.getCell("pets", "fido", "adopted")).isEqualTo(true);
    assertThat(changesets.get(0).mutator()).isEqualTo("adopt");
    assertThat(changesets.get(0).args()).isEqualTo(Map.of("name", "fido"));
    Changeset decoded = Changeset.decode(changesets.get(0).encode());
    assertThat(decoded).isEqualTo(changesets.get(0));
    assertThatThrownBy(() -> store.mutate("nope", Map.of())).hasMessageContaining("No mutator named 'nope'");
  }
}

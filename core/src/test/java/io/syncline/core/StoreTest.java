package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreTest {
  private final Store store = Store.builder().replicaId("alice").build();

  @Test
  void cellsRoundTripWithNormalizedNumberTypes() {
    store.setCell("pets", "fido", "name", "Fido");
    store.setCell("pets", "fido", "legs", 4);
    store.setCell("pets", "fido", "weight", 12.5f);
    store.setCell("pets", "fido", "good", true);
    store.setCell("pets", "fido", "tags", List.of("a", Map.of("b", 1)));

    assertThat(store.getCell("pets", "fido", "name")).isEqualTo("Fido");
    assertThat(store.getCell("pets", "fido", "legs")).isEqualTo(4L);
    assertThat(store.getCell("pets", "fido", "weight")).isEqualTo(12.5d);
    assertThat(store.getCell("pets", "fido", "good")).isEqualTo(true);
    assertThat(store.getCell("pets", "fido", "tags")).isEqualTo(List.of("a", Map.of("b", 1L)));
    assertThat(store.getCell("pets", "nope", "name")).isNull();
    assertThat(store.getRow("pets", "nope")).isEmpty();
  }

  @Test
  void gettersReturnImmutableCopies() {
    store.setCell("t", "r", "c", "v");
    Map<String, Map<String, Map<String, Object>>> tables = store.getTables();
    assertThatThrownBy(() -> tables.put("x", Map.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> store.getRow("t", "r").put("c", "w")).isInstanceOf(UnsupportedOperationException.class);
    store.setCell("t", "r", "c", "w");
    assertThat(tables.get("t").get("r").get("c")).isEqualTo("v");
  }

  @Test
  void deleteRowTombstonesEveryCellAndHidesTheRow() {
    store.setRow("t", "r", Map.of("a", 1, "b", 2));
    store.setRow("t", "s", Map.of("a", 3));
    store.delRow("t", "r");
    assertThat(store.hasRow("t", "r")).isFalse();
    assertThat(store.getTables()).isEqualTo(Map.of("t", Map.of("s", Map.of("a", 3L))));
    assertThat(store.rowIds("t")).containsExactly("s");
    assertThat(store.fullState().changes()).filteredOn(Change::isDelete).hasSize(2);
  }

  @Test
  void deleteTableTombstonesEveryRow() {
    store.setTable("t", Map.of("r", Map.of("a", 1), "s", Map.of("a", 2)));
    store.delTable("t");
    assertThat(store.tableIds()).isEmpty();
    assertThat(store.hasTable("t")).isFalse();
    assertThat(store.getTables()).isEmpty();
  }

  @Test
  void setRowReplacesTheRowAndSetPartialRowDoesNot() {
    store.setRow("t", "r", Map.of("a", 1, "b", 2));
    store.setRow("t", "r", Map.of("a", 5));
    assertThat(store.getRow("t", "r")).isEqualTo(Map.of("a", 5L));
    store.setPartialRow("t", "r", Map.of("c", "x"));
    assertThat(store.getRow("t", "r")).isEqualTo(Map.of("a", 5L, "c", "x"));
  }

  @Test
  void setTablesReplacesEverything() {
    store.setTables(Map.of("a", Map.of("r", Map.of("c", 1)), "b", Map.of("r", Map.of("c", 2))));
    store.setTables(Map.of("b", Map.of("q", Map.of("c", 3))));
    assertThat(store.getTables()).isEqualTo(Map.of("b", Map.of("q", Map.of("c", 3L))));
  }

  @Test
  void valuesRoundTrip() {
    store.setValue("open", true);
    store.setValue("count", 3);
    store.delValue("count");
    assertThat(store.getValues()).isEqualTo(Map.of("open", true));
    assertThat(store.getValue("count")).isNull();
  }

  @Test
  void invalidInputIsRefusedAndLeavesTheStoreUnchanged() {
    store.setCell("t", "r", "c", 1);
    assertThatThrownBy(() -> store.setCell(null, "r", "c", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table id must not be null");
    assertThatThrownBy(() -> store.setCell("t", "", "c", 1)).hasMessageContaining("row id must not be empty");
    assertThatThrownBy(() -> store.setCell("t", "r", "c", null)).hasMessageContaining("t/r/c").hasMessageContaining("null");
    assertThatThrownBy(() -> store.setCell("t", "r", "c", Double.NaN)).hasMessageContaining("not a finite number");
    assertThatThrownBy(() -> store.setCell("t", "r", "c", Double.POSITIVE_INFINITY)).hasMessageContaining("finite");
    assertThatThrownBy(() -> store.setCell("t", "r", "c", new Object())).hasMessageContaining("unsupported type");
    assertThatThrownBy(() -> store.setCell("t", "r", "c", Map.of(1, 2))).hasMessageContaining("non-string key");
    assertThatThrownBy(() -> store.setRow("t", "r", Map.of("d", 2, "e", new Object())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.getTables()).isEqualTo(Map.of("t", Map.of("r", Map.of("c", 1L))));
    assertThat(store.sequence()).isEqualTo(1);
  }

  @Test
  void oversizedValuesAndIdsAreRefused() {
    Store small = Store.builder().replicaId("s").maxValueBytes(100).build();
    small.setCell("t", "r", "c", "x".repeat(100));
    assertThatThrownBy(() -> small.setCell("t", "r", "c", "é".repeat(51)))
        .hasMessageContaining("t/r/c").hasMessageContaining("102 bytes").hasMessageContaining("limit of 100");
    assertThatThrownBy(() -> small.setValue("v", List.of("y".repeat(200)))).hasMessageContaining("value v");
    assertThatThrownBy(() -> small.setCell("t", "r".repeat(Store.MAX_ID_LENGTH + 1), "c", 1))
        .hasMessageContaining("row id").hasMessageContaining("over the limit");
    assertThat(small.getCell("t", "r", "c")).isEqualTo("x".repeat(100));
  }

  @Test
  void writingTheSameValueAgainChangesNothing() {
    store.setCell("t", "r", "c", "x");
    VersionVector before = store.versionVector();
    store.setCell("t", "r", "c", "x");
    assertThat(store.versionVector()).isEqualTo(before);
    assertThat(store.sequence()).isEqualTo(1);
  }

  @Test
  void clientIdIsTheLow30BitsOfFnv1a() {
    // FNV-1a("a") = 0xe40c292c
    assertThat(Stamp.clientIdOf("a")).isEqualTo(0xe40c292c & 0x3FFFFFFF);
    assertThat(store.clientId()).isEqualTo(Stamp.clientIdOf("alice"));
  }

  @Test
  void stampsPackAndOrderAsNinetySixBitNumbers() {
    Stamp a = new Stamp(Stamp.MAX_MILLIS, Stamp.MAX_COUNTER, 5);
    assertThat(Stamp.unpack(a.hi(), a.lo())).isEqualTo(a);
    Stamp b = new Stamp(1, 3, Stamp.MAX_CLIENT_ID);
    Stamp c = new Stamp(1, 4, 0);
    assertThat(b.compareTo(c)).isNegative();
    assertThat(Stamp.compare(b.hi(), b.lo(), c.hi(), c.lo())).isNegative();
    assertThat(Stamp.compare(a.hi(), a.lo(), c.hi(), c.lo())).isPositive();
    assertThatThrownBy(() -> new Stamp(1L << 42, 0, 0)).hasMessageContaining("millis");
  }
}

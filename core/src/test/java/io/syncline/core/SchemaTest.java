package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {
  private final Schema schema = Schema.builder()
      .table("pets", Map.of(
          "species", CellSchema.of(CellType.STRING).asRequired(),
          "legs", CellSchema.of(CellType.INTEGER).withDefault(4),
          "weight", CellSchema.of(CellType.NUMBER)))
      .value("open", CellSchema.of(CellType.BOOLEAN).withDefault(false))
      .build();
  private final Store store = Store.builder().replicaId("a").schema(schema).build();

  @Test
  void wrongTypesAreRefusedNamingTableRowCellAndRule() {
    assertThatThrownBy(() -> store.setCell("pets", "fido", "legs", "four"))
        .isInstanceOf(SchemaViolationException.class)
        .hasMessageContaining("pets/fido/legs").hasMessageContaining("INTEGER");
    assertThatThrownBy(() -> store.setCell("pets", "fido", "wings", 2))
        .isInstanceOf(SchemaViolationException.class).hasMessageContaining("no cell 'wings'");
    assertThatThrownBy(() -> store.setValue("open", "yes")).hasMessageContaining("BOOLEAN");
    assertThat(store.getTables()).isEmpty();
  }

  @Test
  void requiredCellsMustBePresentInLiveRows() {
    assertThatThrownBy(() -> store.setCell("pets", "fido", "weight", 3.5))
        .isInstanceOf(SchemaViolationException.class).hasMessageContaining("pets/fido").hasMessageContaining("species");
    store.setRow("pets", "fido", Map.of("species", "dog", "weight", 3.5));
    assertThatThrownBy(() -> store.delCell("pets", "fido", "species")).isInstanceOf(SchemaViolationException.class);
    assertThat(store.getCell("pets", "fido", "species")).isEqualTo("dog");
    store.delRow("pets", "fido");
    assertThat(store.hasRow("pets", "fido")).isFalse();
  }

  @Test
  void defaultsFillReadsButAreNeverWritten() {
    store.setRow("pets", "fido", Map.of("species", "dog"));
    assertThat(store.getRow("pets", "fido")).isEqualTo(Map.of("species", "dog", "legs", 4L));
    assertThat(store.getCell("pets", "fido", "legs")).isEqualTo(4L);
    assertThat(store.getValue("open")).isEqualTo(false);
    assertThat(store.fullState().changes()).hasSize(1);
  }

  @Test
  void defaultsNeverOverwriteSyncedData() {
    Store other = Store.builder().replicaId("b").schema(schema).build();
    other.setRow("pets", "fido", Map.of("species", "dog", "legs", 3));
    store.setRow("pets", "fido", Map.of("species", "dog")); // later, defaults legs to 4 locally
    store.applyDelta(other.fullState());
    assertThat(store.getCell("pets", "fido", "legs")).isEqualTo(3L);
  }

  @Test
  void numbersInNumberCellsReadBackAsDoubles() {
    store.setRow("pets", "fido", Map.of("species", "dog", "weight", 12));
    assertThat(store.getCell("pets", "fido", "weight")).isEqualTo(12.0);
  }

  @Test
  void remoteDataThatBreaksTheSchemaIsRefusedWhole() {
    Store free = Store.builder().replicaId("b").build();
    free.setCell("pets", "ok", "species", "cat");
    free.setCell("pets", "bad", "legs", "many");
    assertThatThrownBy(() -> store.applyDelta(free.fullState()))
        .isInstanceOf(SchemaViolationException.class).hasMessageContaining("pets/bad/legs");
    assertThat(store.getTables()).isEmpty();
  }

  @Test
  void aDefaultOfTheWrongTypeIsRefusedWhenBuilding() {
    assertThatThrownBy(() -> Schema.builder().table("t", Map.of("c", CellSchema.of(CellType.BOOLEAN).withDefault(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a BOOLEAN");
  }
}

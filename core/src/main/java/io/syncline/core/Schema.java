package io.syncline.core;

import io.syncline.core.internal.Values;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Types the cells of some tables and some values. Tables and values the schema does not name are
 * free-form; a table it names accepts only the cells it lists. Writes that break the schema are
 * refused locally with a {@link SchemaViolationException}, and deltas or changesets from other
 * replicas that break it are refused whole. Immutable.
 *
 * <pre>{@code
 * Schema schema = Schema.builder()
 *     .table("pets", Map.of(
 *         "species", CellSchema.of(CellType.STRING).asRequired(),
 *         "legs", CellSchema.of(CellType.INTEGER).withDefault(4L)))
 *     .value("open", CellSchema.of(CellType.BOOLEAN).withDefault(false))
 *     .build();
 * }</pre>
 */
public final class Schema {
  private final Map<String, Map<String, CellSchema>> tables;
  private final Map<String, CellSchema> values;

  private Schema(Map<String, Map<String, CellSchema>> tables, Map<String, CellSchema> values) {
    this.tables = tables;
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The cell rules of a table, or {@code null} if the schema does not name the table. */
  public Map<String, CellSchema> table(String table) {
    return tables.get(table);
  }

  /** The rule of a value, or {@code null} if the schema does not name it. */
  public CellSchema value(String id) {
    return values.get(id);
  }

  public Map<String, Map<String, CellSchema>> tables() {
    return tables;
  }

  public Map<String, CellSchema> values() {
    return values;
  }

  /**
   * The storage kind a value of kind {@code kind} takes under {@code rule} (numbers in a NUMBER
   * cell become doubles), or -1 if the rule refuses it.
   */
  static byte admit(CellSchema rule, byte kind) {
    switch (rule.type()) {
      case STRING:
        return kind == Values.STRING ? kind : -1;
      case INTEGER:
        return kind == Values.INTEGER ? kind : -1;
      case NUMBER:
        return kind == Values.INTEGER || kind == Values.DOUBLE ? Values.DOUBLE : -1;
      case BOOLEAN:
        return kind == Values.TRUE || kind == Values.FALSE ? kind : -1;
      case JSON:
        return kind == Values.JSON ? kind : -1;
      default:
        throw new AssertionError(rule.type());
    }
  }

  /** Collects table and value rules, checking each default against its type. */
  public static final class Builder {
    private final Map<String, Map<String, CellSchema>> tables = new LinkedHashMap<>();
    private final Map<String, CellSchema> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder table(String table, Map<String, CellSchema> cells) {
      Store.checkId(table, "table id");
      Map<String, CellSchema> copy = new LinkedHashMap<>();
      cells.forEach((cell, rule) -> {
        Store.checkId(cell, "cell id");
        copy.put(cell, normalize(rule, "table " + table + " cell " + cell));
      });
      tables.put(table, Collections.unmodifiableMap(copy));
      return this;
    }

    public Builder value(String id, CellSchema rule) {
      Store.checkId(id, "value id");
      values.put(id, normalize(rule, "value " + id));
      return this;
    }

    private static CellSchema normalize(CellSchema rule, String where) {
      Objects.requireNonNull(rule, where);
      Object d = rule.defaultValue();
      if (d == null) {
        return rule;
      }
      byte kind = Values.kindOf(d, "the default of " + where);
      byte admitted = admit(rule, kind);
      if (admitted < 0) {
        throw new IllegalArgumentException("The default " + d + " of " + where + " is not a " + rule.type());
      }
      Object value = admitted == Values.DOUBLE ? (Object) ((Number) d).doubleValue()
          : Values.toObject(admitted, Values.bitsOf(d, kind), Values.refOf(d, kind, where));
      return new CellSchema(rule.type(), value, rule.required());
    }

    public Schema build() {
      return new Schema(Collections.unmodifiableMap(new LinkedHashMap<>(tables)),
          Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}

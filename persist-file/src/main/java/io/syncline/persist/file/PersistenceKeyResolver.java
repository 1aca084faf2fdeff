package io.syncline.persist.file;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps every row and the store's values to a <em>persistence key</em>: the name of the file that
 * holds them (Loon's {@code FilePersistor}). Table ids are paths ({@code users/1/friends}); a rule
 * set on a path prefix applies to every table at or below it, and the longest matching prefix
 * wins.
 *
 * <ul>
 *   <li>A <em>value key</em> ({@link Builder#key(String, String)}) puts everything below the
 *       prefix in one file.
 *   <li>A <em>builder key</em> ({@link Builder#key(String, RowKeyFunction)}) computes the key from
 *       the row's current content, so a row moves to another file when that content changes.
 * </ul>
 *
 * Tables no rule matches go to {@link Builder#defaultKey}; values go to {@link Builder#valuesKey}.
 * Immutable and thread-safe; the row key functions are called on the persister's worker thread.
 */
public final class PersistenceKeyResolver {

  /** Computes a row's persistence key from its content. */
  @FunctionalInterface
  public interface RowKeyFunction {
    /**
     * @param table the row's table id
     * @param rowId the row id
     * @param row the row's live cells (immutable; empty while the row is being created)
     * @return a non-empty key, or null to use the rule of a shorter prefix or the default key
     */
    String key(String table, String rowId, Map<String, Object> row);
  }

  private record Rule(String prefix, String key, RowKeyFunction function) {}

  private final List<Rule> rules; // longest prefix first
  private final String defaultKey;
  private final String valuesKey;

  private PersistenceKeyResolver(Builder builder) {
    List<Rule> sorted = new ArrayList<>(builder.rules);
    sorted.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
    this.rules = List.copyOf(sorted);
    this.defaultKey = builder.defaultKey;
    this.valuesKey = builder.valuesKey;
  }

  /** A resolver that keeps the whole store in one file, {@code "store"}. */
  public static PersistenceKeyResolver single() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The key of the file holding the store's values. */
  public String valuesKey() {
    return valuesKey;
  }

  /**
   * The key of a row.
   *
   * @throws IllegalStateException if a row key function returns an empty key or throws
   */
  public String keyFor(String table, String rowId, Map<String, Object> row) {
    for (Rule rule : rules) {
      if (!covers(rule.prefix(), table)) {
        continue;
      }
      if (rule.key() != null) {
        return rule.key();
      }
      String key;
      try {
        key = rule.function().key(table, rowId, row);
      } catch (RuntimeException e) {
        throw new IllegalStateException("The persistence key function for prefix '"
            + rule.prefix() + "' failed on row '" + rowId + "' of table '" + table + "'", e);
      }
      if (key != null) {
        if (key.isEmpty()) {
          throw new IllegalStateException("The persistence key function for prefix '"
              + rule.prefix() + "' returned an empty key for row '" + rowId + "' of table '"
              + table + "'");
        }
        return key;
      }
    }
    return defaultKey;
  }

  /** Whether {@code prefix} is {@code table} or one of its ancestor paths ("" covers all). */
  static boolean covers(String prefix, String table) {
    return prefix.isEmpty() || table.equals(prefix)
        || (table.startsWith(prefix) && table.charAt(prefix.length()) == '/');
  }

  /** Settings of a {@link PersistenceKeyResolver}. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private String defaultKey = "store";
    private String valuesKey = "values";

    private Builder() {}

    /** Puts every table at or below {@code tablePathPrefix} ("" for all) in file {@code key}. */
    public Builder key(String tablePathPrefix, String key) {
      checkKey(key, "key");
      rules.add(new Rule(checkPrefix(tablePathPrefix), key, null));
      return this;
    }

    /** Computes the key of each row at or below {@code tablePathPrefix} from its content. */
    public Builder key(String tablePathPrefix, RowKeyFunction function) {
      rules.add(new Rule(checkPrefix(tablePathPrefix), null,
          Objects.requireNonNull(function, "function")));
      return this;
    }

    /** The key of tables no rule covers; {@code "store"} by default. */
    public Builder defaultKey(String key) {
      this.defaultKey = checkKey(key, "defaultKey");
      return this;
    }

    /** The key of the store's values; {@code "values"} by default. */
    public Builder valuesKey(String key) {
      this.valuesKey = checkKey(key, "valuesKey");
      return this;
    }

    private String checkPrefix(String prefix) {
      Objects.requireNonNull(prefix, "tablePathPrefix");
      if (prefix.endsWith("/")) {
        throw new IllegalArgumentException("tablePathPrefix must not end with '/': " + prefix);
      }
      for (Rule rule : rules) {
        if (rule.prefix().equals(prefix)) {
          throw new IllegalArgumentException("tablePathPrefix '" + prefix + "' has a rule already");
        }
      }
      return prefix;
    }

    private static String checkKey(String key, String setting) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException(setting + " must be a non-empty string");
      }
      return key;
    }

    public PersistenceKeyResolver build() {
      return new PersistenceKeyResolver(this);
    }
  }
}

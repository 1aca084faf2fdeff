package io.syncline.persist.file.internal;

import io.syncline.persist.file.internal.StoreMirror.RowRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which persistence key holds which row, and the plan of a batch: the keys of all its rows
 * resolved up front, and its file writes in an order that keeps every row in at least one file
 * at every instant. Confined to the persister's worker thread.
 */
public final class KeyAssignments {
  private final Map<RowRef, String> rowKeys = new HashMap<>();
  private final Map<String, Set<RowRef>> keyRows = new HashMap<>();

  /** One file write of a batch: {@code rows} (plus the values if {@code key} holds them). */
  public record Write(String key, Set<RowRef> rows) {}

  /**
   * A batch: {@link #writes} in order, then the index, then {@link #emptied} are deleted.
   *
   * @param assigned the key of every row of the batch
   * @param touched every key whose file changes (de-duplicated)
   */
  public record Plan(Map<RowRef, String> assigned, Set<String> touched, List<Write> writes,
      List<String> emptied, Map<String, Set<RowRef>> rowsAfter) {}

  /** The key holding a row, or null. */
  public String keyOf(RowRef row) {
    return rowKeys.get(row);
  }

  /** Every key holding at least one row. */
  public Set<String> keys() {
    return keyRows.keySet();
  }

  /** The rows a key holds. */
  public Set<RowRef> rowsOf(String key) {
    return keyRows.getOrDefault(key, Set.of());
  }

  /** Records that a loaded file holds {@code row}, moving it from any other key. */
  public void assign(RowRef row, String key) {
    String old = rowKeys.put(row, key);
    if (old != null && !old.equals(key)) {
      Set<RowRef> rows = keyRows.get(old);
      if (rows != null) {
        rows.remove(row);
        if (rows.isEmpty()) {
          keyRows.remove(old);
        }
      }
    }
    keyRows.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(row);
  }

  /**
   * Plans a batch.
   *
   * @param dirtyRows rows changed in the batch
   * @param dirtyKeys keys to rewrite even if none of their rows changed
   * @param valuesKey the key holding the values if they changed, else null
   * @param resolve the key of a row from its current content, called once per dirty row
   * @param holdsValues whether a key's file holds the values (so is never empty)
   */
  public Plan plan(Collection<RowRef> dirtyRows, Collection<String> dirtyKeys, String valuesKey,
      Function<RowRef, String> resolve, Predicate<String> holdsValues) {
    Map<RowRef, String> assigned = new LinkedHashMap<>();
    Set<String> touched = new LinkedHashSet<>(dirtyKeys);
    for (RowRef row : dirtyRows) {
      String key = resolve.apply(row);
      assigned.put(row, key);
      touched.add(key);
      String old = rowKeys.get(row);
      if (old != null) {
        touched.add(old);
      }
    }
    if (valuesKey != null) {
      touched.add(valuesKey);
    }
    Map<String, Set<RowRef>> rowsAfter = new LinkedHashMap<>();
    for (String key : touched) {
      rowsAfter.put(key, new LinkedHashSet<>(rowsOf(key)));
    }
    Map<String, Set<RowRef>> leaving = new HashMap<>();
    Set<String> gaining = new LinkedHashSet<>();
    assigned.forEach((row, key) -> {
      String old = rowKeys.get(row);
      if (old != null && !old.equals(key)) {
        rowsAfter.get(old).remove(row);
        leaving.computeIfAbsent(old, k -> new LinkedHashSet<>()).add(row);
      }
      if (!key.equals(old)) {
        gaining.add(key);
      }
      rowsAfter.get(key).add(row);
    });
    // Keys gaining rows first, still holding the rows they lose; only then the keys rows leave.
    List<Write> writes = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (String key : gaining) {
      Set<RowRef> rows = new LinkedHashSet<>(rowsAfter.get(key));
      rows.addAll(leaving.getOrDefault(key, Set.of()));
      writes.add(new Write(key, rows));
      if (!leaving.containsKey(key)) {
        done.add(key);
      }
    }
    List<String> emptied = new ArrayList<>();
    rowsAfter.forEach((key, rows) -> {
      if (done.contains(key)) {
        return;
      }
      if (rows.isEmpty() && !holdsValues.test(key)) {
        emptied.add(key);
      } else {
        writes.add(new Write(key, rows));
      }
    });
    return new Plan(assigned, touched, List.copyOf(writes), List.copyOf(emptied), rowsAfter);
  }

  /** Applies a plan whose writes all succeeded. */
  public void commit(Plan plan) {
    rowKeys.putAll(plan.assigned());
    plan.rowsAfter().forEach((key, rows) -> {
      if (rows.isEmpty()) {
        keyRows.remove(key);
      } else {
        keyRows.put(key, rows);
      }
    });
  }
}

package io.syncline.persist.file.internal;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.ValueChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the persister knows is (or is about to be) on disk: every cell, tombstone and value with
 * its stamp, merged last-writer-wins exactly as the store merges them. Confined to the
 * persister's worker thread.
 */
public final class StoreMirror {

  /** A row's address. */
  public record RowRef(String table, String row) {}

  private final Map<RowRef, Map<String, CellChange>> rows = new LinkedHashMap<>();
  private final Map<String, ValueChange> values = new LinkedHashMap<>();

  /**
   * Merges a change.
   *
   * @return the row it changed, {@link #VALUES} for a value, or null if the change is not newer
   *     than what is held
   */
  public Object merge(Change change) {
    if (change instanceof CellChange cell) {
      RowRef ref = new RowRef(cell.table(), cell.row());
      Map<String, CellChange> cells = rows.computeIfAbsent(ref, r -> new HashMap<>());
      CellChange held = cells.get(cell.cell());
      if (held != null && held.stamp().compareTo(cell.stamp()) >= 0) {
        return null;
      }
      cells.put(cell.cell(), cell);
      return ref;
    }
    ValueChange value = (ValueChange) change;
    ValueChange held = values.get(value.id());
    if (held != null && held.stamp().compareTo(value.stamp()) >= 0) {
      return null;
    }
    values.put(value.id(), value);
    return VALUES;
  }

  /** Marker returned by {@link #merge} for values. */
  public static final Object VALUES = new Object();

  /** The live cells of a row (tombstones left out), immutable. */
  public Map<String, Object> liveRow(RowRef ref) {
    Map<String, CellChange> cells = rows.get(ref);
    if (cells == null) {
      return Map.of();
    }
    Map<String, Object> live = new HashMap<>();
    cells.forEach((id, c) -> {
      if (c.value() != null) {
        live.put(id, c.value());
      }
    });
    return Collections.unmodifiableMap(live);
  }

  /** Every cell and tombstone of a row. */
  public Collection<CellChange> rowChanges(RowRef ref) {
    Map<String, CellChange> cells = rows.get(ref);
    return cells == null ? List.of() : cells.values();
  }

  /** Every value and value tombstone. */
  public Collection<ValueChange> values() {
    return values.values();
  }

  /** Every row held. */
  public Set<RowRef> rowRefs() {
    return rows.keySet();
  }

  /** Drops everything (before a full reload). */
  public void clear() {
    rows.clear();
    values.clear();
  }

  /** All changes of the given rows, plus the values if asked, for one key file. */
  public List<Change> changesOf(Collection<RowRef> refs, boolean withValues) {
    List<Change> out = new ArrayList<>();
    for (RowRef ref : refs) {
      out.addAll(rowChanges(ref));
    }
    if (withValues) {
      out.addAll(values.values());
    }
    return out;
  }
}

package io.syncline.core;

import io.syncline.core.internal.TableData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a committed transaction's {@link UndoLog} into listener calls: one cell (or value) event
 * per changed cell with its value before and after the transaction, then one row event per
 * changed row and one table event per changed table. Everything is read before the first
 * listener runs, so a listener that writes cannot change what later listeners of the same
 * transaction are told.
 */
final class Events {
  private Events() {}

  private record CellKey(TableData table, int row, int col) {}

  private record RowKey(TableData table, int row) {}

  static List<Runnable> collect(Store store, UndoLog u, Origin origin) {
    Listeners l = store.listeners;
    Map<CellKey, Integer> first = new LinkedHashMap<>();
    for (int i = 0; i < u.size; i++) {
      first.putIfAbsent(new CellKey(u.table(i), u.rows[i], u.cols[i]), i);
    }
    List<Runnable> cellCalls = new ArrayList<>();
    LinkedHashSet<RowKey> rows = new LinkedHashSet<>();
    LinkedHashSet<TableData> tables = new LinkedHashSet<>();
    for (Map.Entry<CellKey, Integer> e : first.entrySet()) {
      CellKey k = e.getKey();
      int i = e.getValue();
      Object before = k.table.valueOf(k.col, u.oldKinds[i], u.oldBits[i], u.oldRefs[i]);
      Object after = k.table.value(k.row, k.col);
      if (Objects.equals(before, after)) {
        continue;
      }
      if (k.table == store.values) {
        if (l.wantsValues()) {
          ValueEvent ev = new ValueEvent(k.table.cellId(k.col), before, after, origin);
          cellCalls.add(() -> l.fire(ev));
        }
        continue;
      }
      if (l.wantsCells()) {
        CellEvent ev = new CellEvent(k.table.id, k.table.rowId(k.row), k.table.cellId(k.col), before, after, origin);
        cellCalls.add(() -> l.fire(ev));
      }
      rows.add(new RowKey(k.table, k.row));
      tables.add(k.table);
    }
    List<Runnable> calls = new ArrayList<>(cellCalls);
    if (l.wantsRows()) {
      for (RowKey r : rows) {
        RowEvent ev = new RowEvent(r.table.id, r.table.rowId(r.row), origin);
        calls.add(() -> l.fire(ev));
      }
    }
    if (l.wantsTables()) {
      for (TableData t : tables) {
        TableEvent ev = new TableEvent(t.id, origin);
        calls.add(() -> l.fire(ev));
      }
    }
    return calls;
  }
}

package io.syncline.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners registered on one store, with their wildcard filters, and their dispatch. */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Store.class.getName());

  private record Entry<L>(String table, String row, String cell, L listener) {}

  private final List<Entry<CellListener>> cells = new CopyOnWriteArrayList<>();
  private final List<Entry<RowListener>> rows = new CopyOnWriteArrayList<>();
  private final List<Entry<TableListener>> tables = new CopyOnWriteArrayList<>();
  private final List<Entry<ValueListener>> values = new CopyOnWriteArrayList<>();
  private final List<ChangesetListener> changesets = new CopyOnWriteArrayList<>();

  /** True if any cell, row, table or value listener needs per-cell events. */
  boolean wantsEvents() {
    return !cells.isEmpty() || !rows.isEmpty() || !tables.isEmpty() || !values.isEmpty();
  }

  boolean wantsChangesets() {
    return !changesets.isEmpty();
  }

  boolean wantsCells() {
    return !cells.isEmpty();
  }

  boolean wantsRows() {
    return !rows.isEmpty();
  }

  boolean wantsTables() {
    return !tables.isEmpty();
  }

  boolean wantsValues() {
    return !values.isEmpty();
  }

  Subscription addCell(String table, String row, String cell, CellListener l) {
    return add(cells, new Entry<>(table, row, cell, l));
  }

  Subscription addRow(String table, String row, RowListener l) {
    return add(rows, new Entry<>(table, row, null, l));
  }

  Subscription addTable(String table, TableListener l) {
    return add(tables, new Entry<>(table, null, null, l));
  }

  Subscription addValue(String id, ValueListener l) {
    return add(values, new Entry<>(id, null, null, l));
  }

  Subscription addChangeset(ChangesetListener l) {
    changesets.add(l);
    return () -> changesets.remove(l);
  }

  private static <L> Subscription add(List<Entry<L>> list, Entry<L> e) {
    list.add(java.util.Objects.requireNonNull(e, "listener"));
    java.util.Objects.requireNonNull(e.listener(), "listener");
    return () -> list.remove(e);
  }

  private static boolean matches(String filter, String id) {
    return filter == null || filter.equals(id);
  }

  void fire(CellEvent e) {
    for (Entry<CellListener> x : cells) {
      if (matches(x.table, e.table()) && matches(x.row, e.row()) && matches(x.cell, e.cell())) {
        guard(() -> x.listener.onCellChange(e), "cell");
      }
    }
  }

  void fire(RowEvent e) {
    for (Entry<RowListener> x : rows) {
      if (matches(x.table, e.table()) && matches(x.row, e.row())) {
        guard(() -> x.listener.onRowChange(e), "row");
      }
    }
  }

  void fire(TableEvent e) {
    for (Entry<TableListener> x : tables) {
      if (matches(x.table, e.table())) {
        guard(() -> x.listener.onTableChange(e), "table");
      }
    }
  }

  void fire(ValueEvent e) {
    for (Entry<ValueListener> x : values) {
      if (matches(x.table, e.id())) {
        guard(() -> x.listener.onValueChange(e), "value");
      }
    }
  }

  void fire(Changeset cs, Origin origin) {
    for (ChangesetListener l : changesets) {
      guard(() -> l.onChangeset(cs, origin), "changeset");
    }
  }

  private static void guard(Runnable r, String kind) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "A " + kind + " listener threw; the store is unaffected", e);
    }
  }
}

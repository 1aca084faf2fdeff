package io.syncline.core;

/**
 * Told about every committed changeset, local or remote, after the cell, row, table and value
 * listeners of the same transaction. Same threading rules as {@link CellListener}.
 */
@FunctionalInterface
public interface ChangesetListener {
  void onChangeset(Changeset changeset, Origin origin);
}

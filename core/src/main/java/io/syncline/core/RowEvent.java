package io.syncline.core;

/** At least one cell of the row changed in one committed transaction. */
public record RowEvent(String table, String row, Origin origin) {}

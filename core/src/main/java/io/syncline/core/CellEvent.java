package io.syncline.core;

/**
 * One cell changed in one committed transaction. {@code oldValue} is {@code null} when the cell
 * was absent, {@code newValue} is {@code null} when it was deleted. When a transaction writes a
 * cell several times, the event carries the value before the transaction and the value after it.
 */
public record CellEvent(String table, String row, String cell, Object oldValue, Object newValue, Origin origin) {}

package io.syncline.core;

/** At least one cell of the table changed in one committed transaction. */
public record TableEvent(String table, Origin origin) {}

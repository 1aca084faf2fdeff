package io.syncline.core;

/** A top-level value changed in one committed transaction; {@code null} means absent. */
public record ValueEvent(String id, Object oldValue, Object newValue, Origin origin) {}

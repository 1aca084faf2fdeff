package io.syncline.core;

/** How long a local write waits for the attached {@link Journal} before its call returns. */
public enum Durability {
  /** Never waits; a crash may lose writes the journal had not yet flushed. */
  NONE,
  /** Never waits; the journal flushes in the background within a few milliseconds (default). */
  BATCHED,
  /** Each committing call returns only after an fsync covers its changeset (group commit). */
  SYNC
}

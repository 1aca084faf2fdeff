package io.syncline.core;

/** Where a committed change came from, as told to listeners. */
public enum Origin {
  /** Written through this store's own write methods or transactions. */
  LOCAL,
  /** Merged from another replica through {@link Store#applyDelta} or {@link Store#applyChangeset}. */
  REMOTE
}

package io.syncline.core;

import io.syncline.core.internal.StampMaxima;

/** The store's mutable version vector; {@link #snapshot()} gives the immutable form. Guarded by the store lock. */
final class VectorState {
  private final StampMaxima maxima = new StampMaxima(4);
  private VersionVector cached = VersionVector.EMPTY;

  void observe(int client, long hi, int lo) {
    if (maxima.add(client, hi, lo)) {
      cached = null;
    }
  }

  void merge(VersionVector other) {
    for (int i = 0; i < other.size(); i++) {
      observe(other.clientAt(i), other.hiAt(i), other.loAt(i));
    }
  }

  VersionVector snapshot() {
    if (cached == null) {
      cached = VersionVector.of(maxima);
    }
    return cached;
  }
}

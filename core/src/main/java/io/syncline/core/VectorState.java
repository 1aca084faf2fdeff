package io.syncline.core;

import java.util.Arrays;

/** The store's mutable version vector; {@link #snapshot()} gives the immutable form. Guarded by the store lock. */
final class VectorState {
  private int[] clients = new int[4];
  private long[] his = new long[4];
  private int[] los = new int[4];
  private int n;
  private VersionVector cached = VersionVector.EMPTY;

  void observe(int client, long hi, int lo) {
    for (int i = 0; i < n; i++) {
      if (clients[i] == client) {
        if (Stamp.compare(hi, lo, his[i], los[i]) > 0) {
          his[i] = hi;
          los[i] = lo;
          cached = null;
        }
        return;
      }
    }
    if (n == clients.length) {
      clients = Arrays.copyOf(clients, n * 2);
      his = Arrays.copyOf(his, n * 2);
      los = Arrays.copyOf(los, n * 2);
    }
    clients[n] = client;
    his[n] = hi;
    los[n] = lo;
    n++;
    cached = null;
  }

  void merge(VersionVector other) {
    for (int i = 0; i < other.size(); i++) {
      observe(other.clientAt(i), other.hiAt(i), other.loAt(i));
    }
  }

  VersionVector snapshot() {
    if (cached == null) {
      cached = VersionVector.ofPacked(clients, his, los, n);
    }
    return cached;
  }
}

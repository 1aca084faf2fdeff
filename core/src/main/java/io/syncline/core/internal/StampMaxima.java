package io.syncline.core.internal;

import io.syncline.core.Stamp;
import java.util.Arrays;

/**
 * The highest packed stamp seen per client id, in small parallel arrays searched linearly (a
 * store sees few writers). Backs the store's version vector and each change-index block's
 * summary. Not thread-safe.
 */
public final class StampMaxima {
  private int n;
  private int[] clients;
  private long[] his;
  private int[] los;

  public StampMaxima(int capacity) {
    clients = new int[capacity];
    his = new long[capacity];
    los = new int[capacity];
  }

  /** Records {@code (hi, lo)} for {@code client}; returns true if that raised its maximum. */
  public boolean add(int client, long hi, int lo) {
    for (int i = 0; i < n; i++) {
      if (clients[i] == client) {
        if (Stamp.compare(hi, lo, his[i], los[i]) > 0) {
          his[i] = hi;
          los[i] = lo;
          return true;
        }
        return false;
      }
    }
    if (n == clients.length) {
      int cap = Math.max(1, n * 2);
      clients = Arrays.copyOf(clients, cap);
      his = Arrays.copyOf(his, cap);
      los = Arrays.copyOf(los, cap);
    }
    clients[n] = client;
    his[n] = hi;
    los[n] = lo;
    n++;
    return true;
  }

  public int size() {
    return n;
  }

  public int client(int i) {
    return clients[i];
  }

  public long hi(int i) {
    return his[i];
  }

  public int lo(int i) {
    return los[i];
  }
}

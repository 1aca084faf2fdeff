package io.syncline.bench;

/** mulberry32 PRNG, bit-identical to the peers' {@code lib/prng.mjs} (WORKLOADS.md §2). */
public final class Mulberry32 {
  private int a;

  public Mulberry32(int seed) {
    a = seed;
  }

  /** A double in [0, 1), an exact multiple of 2^-32. */
  public double next() {
    a += 0x6D2B79F5;
    int t = a;
    t = (t ^ (t >>> 15)) * (t | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    return ((t ^ (t >>> 14)) & 0xFFFFFFFFL) / 4294967296.0;
  }

  /** {@code floor(next() * n)}. */
  public int nextInt(int n) {
    return (int) Math.floor(next() * n);
  }
}

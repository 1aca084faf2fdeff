package io.syncline.core;

/**
 * A hybrid logical clock reading: milliseconds since the epoch (42 bits), a counter (24 bits)
 * and the writer's client id (30 bits), totally ordered in that order, as TinyBase's
 * MergeableStore orders its stamps. The larger stamp wins a merge; equal time and counter go to
 * the higher client id.
 *
 * <p>Internally a stamp is the 96-bit number {@code millis << 54 | counter << 30 | clientId},
 * split into a high long ({@link #hi()}) and a low int ({@link #lo()}) that compare unsigned.
 */
public record Stamp(long millis, int counter, int clientId) implements Comparable<Stamp> {
  public static final long MAX_MILLIS = (1L << 42) - 1;
  public static final int MAX_COUNTER = (1 << 24) - 1;
  public static final int MAX_CLIENT_ID = (1 << 30) - 1;
  /** The smallest stamp; every real stamp is larger. */
  public static final Stamp ZERO = new Stamp(0, 0, 0);

  public Stamp {
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException("Stamp millis " + millis + " is outside 0.." + MAX_MILLIS);
    }
    if (counter < 0 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("Stamp counter " + counter + " is outside 0.." + MAX_COUNTER);
    }
    if (clientId < 0 || clientId > MAX_CLIENT_ID) {
      throw new IllegalArgumentException("Stamp client id " + clientId + " is outside 0.." + MAX_CLIENT_ID);
    }
  }

  /** The stamp whose packed halves are {@code hi} and {@code lo}. */
  public static Stamp unpack(long hi, int lo) {
    return new Stamp(hi >>> 22, (int) ((hi & 0x3FFFFF) << 2) | (lo >>> 30), lo & MAX_CLIENT_ID);
  }

  /** High 64 bits of the packed form: millis and the top 22 bits of the counter. */
  public long hi() {
    return pack(millis, counter);
  }

  /** Low 32 bits of the packed form: the low 2 bits of the counter and the client id. */
  public int lo() {
    return packLo(counter, clientId);
  }

  public static long pack(long millis, int counter) {
    return millis << 22 | counter >>> 2;
  }

  public static int packLo(int counter, int clientId) {
    return (counter & 3) << 30 | clientId;
  }

  /** Compares packed stamps: negative, zero or positive as {@code (hi1,lo1)} is smaller, equal or larger. */
  public static int compare(long hi1, int lo1, long hi2, int lo2) {
    int c = Long.compareUnsigned(hi1, hi2);
    return c != 0 ? c : Integer.compareUnsigned(lo1, lo2);
  }

  @Override
  public int compareTo(Stamp other) {
    int c = Long.compare(millis, other.millis);
    if (c == 0) {
      c = Integer.compare(counter, other.counter);
    }
    return c != 0 ? c : Integer.compare(clientId, other.clientId);
  }

  /**
   * The client id of a replica id: the low 30 bits of the 32-bit FNV-1a hash of its UTF-8 bytes
   * (offset basis 0x811c9dc5, prime 16777619), as TinyBase computes it.
   */
  public static int clientIdOf(String replicaId) {
    int hash = 0x811c9dc5;
    for (byte b : replicaId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      hash ^= b & 0xFF;
      hash *= 16777619;
    }
    return hash & MAX_CLIENT_ID;
  }

  @Override
  public String toString() {
    return millis + "." + counter + "@" + Integer.toHexString(clientId);
  }
}

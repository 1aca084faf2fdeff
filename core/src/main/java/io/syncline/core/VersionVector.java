package io.syncline.core;

import io.syncline.core.internal.ByteReader;
import io.syncline.core.internal.ByteWriter;
import io.syncline.core.internal.StampMaxima;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * For each client id, the highest stamp of that client a replica's state is known to contain.
 *
 * <p>Invariant kept by {@link Store}: for every client {@code c}, the store's state contains
 * every write of {@code c} with a stamp {@code <= get(c)}, or a newer write of the same cell. So
 * "every cell whose stamp is newer than the other side's entry for the cell's writer" is a
 * complete delta, and no history is needed to compute it. Immutable.
 */
public final class VersionVector {
  public static final VersionVector EMPTY = new VersionVector(new int[0], new long[0], new int[0]);

  private final int[] clients; // sorted ascending
  private final long[] his;
  private final int[] los;

  private VersionVector(int[] clients, long[] his, int[] los) {
    this.clients = clients;
    this.his = his;
    this.los = los;
  }

  /** A vector holding exactly the given entries (client id -> stamp of that client). */
  public static VersionVector of(Map<Integer, Stamp> entries) {
    TreeMap<Integer, Stamp> sorted = new TreeMap<>(entries);
    int[] c = new int[sorted.size()];
    long[] h = new long[c.length];
    int[] l = new int[c.length];
    int i = 0;
    for (Map.Entry<Integer, Stamp> e : sorted.entrySet()) {
      c[i] = e.getKey();
      h[i] = e.getValue().hi();
      l[i] = e.getValue().lo();
      i++;
    }
    return new VersionVector(c, h, l);
  }

  /** The vector of the given per-client maxima (copied). */
  static VersionVector of(StampMaxima maxima) {
    int n = maxima.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(maxima.client(a), maxima.client(b)));
    int[] c = new int[n];
    long[] h = new long[n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = maxima.client(order[i]);
      h[i] = maxima.hi(order[i]);
      l[i] = maxima.lo(order[i]);
    }
    return new VersionVector(c, h, l);
  }

  /** The stamp recorded for {@code clientId}, or {@code null} if none. */
  public Stamp get(int clientId) {
    int i = Arrays.binarySearch(clients, clientId);
    return i < 0 ? null : Stamp.unpack(his[i], los[i]);
  }

  public int size() {
    return clients.length;
  }

  public boolean isEmpty() {
    return clients.length == 0;
  }

  /** Client ids in ascending order (a copy). */
  public int[] clientIds() {
    return clients.clone();
  }

  long hiAt(int i) {
    return his[i];
  }

  int loAt(int i) {
    return los[i];
  }

  int clientAt(int i) {
    return clients[i];
  }

  /** The entry-wise maximum of this vector and {@code other}. */
  public VersionVector merge(VersionVector other) {
    TreeMap<Integer, Stamp> m = new TreeMap<>(asMap());
    for (Map.Entry<Integer, Stamp> e : other.asMap().entrySet()) {
      m.merge(e.getKey(), e.getValue(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    return of(m);
  }

  /** True if every entry of {@code other} is at or below this vector's entry for the same client. */
  public boolean dominates(VersionVector other) {
    for (int i = 0; i < other.clients.length; i++) {
      int j = Arrays.binarySearch(clients, other.clients[i]);
      if (j < 0 || Stamp.compare(his[j], los[j], other.his[i], other.los[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The entries as an unmodifiable sorted map. */
  public Map<Integer, Stamp> asMap() {
    TreeMap<Integer, Stamp> m = new TreeMap<>();
    for (int i = 0; i < clients.length; i++) {
      m.put(clients[i], Stamp.unpack(his[i], los[i]));
    }
    return Collections.unmodifiableMap(m);
  }

  /** The compact binary form: {@code u8 'V', u8 version, varint n, n x (u32le client, varint millis, varint counter)}. */
  public byte[] encode() {
    ByteWriter w = new ByteWriter(8 + clients.length * 16);
    w.writeByte('V');
    w.writeByte(1);
    writeTo(w);
    return w.toByteArray();
  }

  /** Decodes {@link #encode()}'s form; throws {@link CorruptDataException} on any defect. */
  public static VersionVector decode(byte[] bytes) {
    ByteReader r = new ByteReader(bytes, "version vector");
    if (r.readByte() != 'V') {
      throw new CorruptDataException("Not a version vector: first byte is not 'V'");
    }
    int version = r.readByte();
    if (version != 1) {
      throw new UnsupportedVersionException("Version vector format version " + version + " is not supported (expected 1)",
          version);
    }
    VersionVector vv = readFrom(r);
    r.expectEnd();
    return vv;
  }

  /** Writes {@code varint n, n x (u32le client, varint millis, varint counter)}. */
  void writeTo(ByteWriter w) {
    w.writeVarint(clients.length);
    for (int i = 0; i < clients.length; i++) {
      Stamp s = Stamp.unpack(his[i], los[i]);
      w.writeIntLE(clients[i]);
      w.writeVarint(s.millis());
      w.writeVarint(s.counter());
    }
  }

  /** Reads what {@link #writeTo} wrote. */
  static VersionVector readFrom(ByteReader r) {
    int n = r.readCount(6);
    int[] c = new int[n];
    long[] h = new long[n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = r.readIntLE();
      if (c[i] < 0 || c[i] > Stamp.MAX_CLIENT_ID || (i > 0 && c[i] <= c[i - 1])) {
        throw r.corrupt("version vector client ids are not ascending 30-bit ids");
      }
      long millis = r.readVarint();
      long counter = r.readVarint();
      if (millis > Stamp.MAX_MILLIS || counter > Stamp.MAX_COUNTER) {
        throw r.corrupt("version vector stamp out of range");
      }
      h[i] = Stamp.pack(millis, (int) counter);
      l[i] = Stamp.packLo((int) counter, c[i]);
    }
    return new VersionVector(c, h, l);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionVector v
        && Arrays.equals(clients, v.clients) && Arrays.equals(his, v.his) && Arrays.equals(los, v.los);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(clients) * 31 + Arrays.hashCode(his);
  }

  @Override
  public String toString() {
    return "VersionVector" + asMap();
  }
}

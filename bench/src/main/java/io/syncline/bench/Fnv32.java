package io.syncline.bench;

/** FNV-1a 32-bit hash (offset basis 0x811c9dc5, prime 0x01000193), fed byte by byte (WORKLOADS.md §3). */
public final class Fnv32 {
  private int h = 0x811c9dc5;

  public void b(int x) {
    h = (h ^ (x & 0xff)) * 0x01000193;
  }

  public void u32le(int v) {
    b(v);
    b(v >>> 8);
    b(v >>> 16);
    b(v >>> 24);
  }

  public void f64le(double v) {
    long l = Double.doubleToRawLongBits(v);
    for (int i = 0; i < 8; i++) b((int) (l >>> (8 * i)));
  }

  public void ascii(String s) {
    for (int i = 0; i < s.length(); i++) b(s.charAt(i));
  }

  public int value() {
    return h;
  }

  public String hex() {
    return String.format("%08x", h);
  }
}

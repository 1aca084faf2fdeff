package io.syncline.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** Clock and memory readings (WORKLOADS.md §6: System.nanoTime, heap used after two System.gc()). */
final class Measure {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Measure() {}

  static long clock() {
    return System.nanoTime();
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static void gc() {
    System.gc();
    System.gc();
  }

  /** Heap used after two forced full GCs, in bytes. */
  static long heapAfterGc() {
    gc();
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  /** Bytes this thread has allocated so far (HotSpot), or -1 when the JVM does not say. */
  static long allocated() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
      return t.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  /** Resident set size of this process in bytes (Linux /proc), or -1 when unknown. */
  static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  static final double MB = 1024.0 * 1024.0;

  /**
   * Where a timed step's wall time went: this thread's CPU time (user and system, so page faults
   * count), the collectors' time and collections (stop-the-world and concurrent, as the JVM
   * reports them), and the process's minor page faults (-1 off Linux). Take one before and one
   * after the step and subtract: what the wall time cannot tell apart, a slow write path from a
   * collector copying the store or the kernel faulting the heap back in.
   */
  record Costs(long cpuNanos, long gcMillis, long gcCount, long minorFaults) {
    static Costs now() {
      long gcMs = 0;
      long gcs = 0;
      for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
        gcMs += Math.max(0, b.getCollectionTime());
        gcs += Math.max(0, b.getCollectionCount());
      }
      return new Costs(THREADS.getCurrentThreadCpuTime(), gcMs, gcs, readMinorFaults());
    }

    Costs since(Costs before) {
      return new Costs(cpuNanos - before.cpuNanos, gcMillis - before.gcMillis, gcCount - before.gcCount,
          minorFaults < 0 ? -1 : minorFaults - before.minorFaults);
    }

    /** Writes {@code <prefix>CpuMs}, {@code <prefix>GcMs}, {@code <prefix>Gcs} and {@code <prefix>PageFaults}. */
    void toJson(Json j, String prefix) {
      j.num(prefix + "CpuMs", ms(cpuNanos)).num(prefix + "GcMs", gcMillis).num(prefix + "Gcs", gcCount)
          .num(prefix + "PageFaults", minorFaults);
    }

    /** Field 10 of /proc/self/stat. */
    private static long readMinorFaults() {
      try {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }
  }
}

package io.syncline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** Clock and memory readings (WORKLOADS.md §6: System.nanoTime, heap used after two System.gc()). */
final class Measure {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

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
}

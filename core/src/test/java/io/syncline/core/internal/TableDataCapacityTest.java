package io.syncline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Array capacities stay below a power of two bytes, so G1 packs a large column array into whole regions. */
class TableDataCapacityTest {
  @Test
  void everyCapacityFitsItsArraysUnderAPowerOfTwoBytesAndDoubles() {
    int previous = 0;
    for (int need = 1024; need < 1 << 26; need = need + 1 + need / 7) {
      int c = TableData.capacityFor(need);
      assertThat(c).isGreaterThanOrEqualTo(need);
      assertThat(Integer.bitCount(c + 17)).as("capacity %d + 17 is a power of two", c).isEqualTo(1);
      for (int bytesPerEntry : new int[] {1, 4, 8}) {
        long size = 16 + (long) bytesPerEntry * c; // array header included
        long roundedUp = Long.highestOneBit(size - 1) << 1;
        assertThat(size).as("%d bytes fills most of the %d it rounds up to", size, roundedUp)
            .isGreaterThan(roundedUp / 4 * 3);
      }
      if (c != previous) {
        assertThat(previous == 0 || c + 17 == 2 * (previous + 17)).as("grows by doubling").isTrue();
        previous = c;
      }
    }
  }

  @Test
  void aLargeLongArrayStaysUnderHalfA4MiBRegionUntilItFillsAWholeOne() {
    int justPastADoubling = 131_056; // rows: a W1-like table of 131k rows
    int c = TableData.capacityFor(justPastADoubling);
    assertThat(16 + 8L * c).isLessThan(2L << 20); // under 2 MiB: not placed alone in a 4 MiB region
    assertThat(16 + 8L * TableData.capacityFor(c + 1)).isLessThanOrEqualTo(4L << 20); // one whole region
  }
}

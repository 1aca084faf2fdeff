package io.syncline.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for tests: polls a condition every 10 ms until a deadline. */
final class Await {
  private Await() {}

  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> whatFailed)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + ": " + whatFailed.get());
      }
      Thread.sleep(10);
    }
  }
}

package io.syncline.core;

/**
 * The one time source under every timer in Syncline: monotonic nanoseconds with an arbitrary
 * origin, as {@link System#nanoTime()} gives them. Components that measure intervals or decide
 * when to run (the auto-save {@link ThrottleWindow}, the write-ahead log's group-commit gather,
 * the sync schedulers) take a {@code Ticker} so that tests can drive them on virtual time (the
 * test kit's {@code FakeTicker}) instead of sleeping.
 *
 * <p>Implementations must be thread-safe and never go backwards.
 */
@FunctionalInterface
public interface Ticker {
  /** The ticker every component uses unless told otherwise: {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current reading in nanoseconds; only differences between readings are meaningful. */
  long nanos();
}

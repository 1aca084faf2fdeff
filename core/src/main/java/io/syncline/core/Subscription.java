package io.syncline.core;

/** A registered listener; {@link #close()} removes it. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}

package io.syncline.core;

/**
 * Told about each value change after its transaction committed. Called on the committing thread
 * while the store's lock is held, so it sees the committed state and may read the store; it
 * should return quickly and hand slow work to another thread. An exception it throws is logged
 * and does not affect the store or other listeners.
 */
@FunctionalInterface
public interface ValueListener {
  void onValueChange(ValueEvent event);
}

package io.syncline.client;

/**
 * Where a {@link SyncClient} stands, as told to its status listeners.
 *
 * @param state the connection state
 * @param pending local changes (cells and values, collapsed) written but not yet acknowledged by
 *     the server; they are sent when the connection is (re)established
 * @param lastError the last error the client met (a failed connection, a refused push, a
 *     protocol error), or null if none yet; it stays until a newer error replaces it
 */
public record SyncStatus(State state, int pending, String lastError) {
  public SyncStatus {
    if (state == null) {
      throw new IllegalArgumentException("SyncStatus.state must not be null.");
    }
    if (pending < 0) {
      throw new IllegalArgumentException("SyncStatus.pending must not be negative, was " + pending);
    }
  }

  /** True when online with nothing left to send. */
  public boolean isSynced() {
    return state == State.ONLINE && pending == 0;
  }

  /**
   * The connection state. The legal transitions are CONNECTING to ONLINE or OFFLINE, ONLINE to
   * OFFLINE, OFFLINE to CONNECTING, and any state but CLOSED to CLOSED; CLOSED is final.
   */
  public enum State {
    /** Opening a connection or waiting for the server's Welcome. */
    CONNECTING,
    /** Connected: pushing local changes and pulling remote ones. */
    ONLINE,
    /** Disconnected; a reconnect is scheduled with backoff. Writes are queued meanwhile. */
    OFFLINE,
    /** {@link SyncClient#close()} was called; final. */
    CLOSED;

    /** True if a client in this state may move to {@code next} (or stay). */
    public boolean canBecome(State next) {
      if (next == this) {
        return true;
      }
      return switch (this) {
        case CONNECTING -> next == ONLINE || next == OFFLINE || next == CLOSED;
        case ONLINE -> next == OFFLINE || next == CLOSED;
        case OFFLINE -> next == CONNECTING || next == CLOSED;
        case CLOSED -> false;
      };
    }

    /**
     * Returns {@code next} if the move is legal.
     *
     * @throws IllegalStateException if it is not
     */
    public State to(State next) {
      if (!canBecome(next)) {
        throw new IllegalStateException(
            "A sync client cannot go from " + this + " to " + next + ".");
      }
      return next;
    }
  }
}

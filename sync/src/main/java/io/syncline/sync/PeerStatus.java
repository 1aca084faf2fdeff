package io.syncline.sync;

/** Where a {@link SyncManager}'s link to one peer stands. */
public enum PeerStatus {
  /** Opening a connection or waiting for the Welcome. */
  CONNECTING,
  /** Handshake done; pushing and pulling. */
  ONLINE,
  /** Disconnected; a reconnect is scheduled. */
  OFFLINE,
  /** Removed or the manager closed; final. */
  CLOSED
}

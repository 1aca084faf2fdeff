package io.syncline.sync;

/** Which cursors a {@link SyncManager} pulls a peer with ({@code docs/protocol.md} section 6). */
public enum CursorMode {
  /** The server's sequence cursor, kept by the manager: against a sync server or hub. */
  SERVER,
  /** The local store's own version vector: peer to peer; nothing to keep. */
  VERSION_VECTOR
}

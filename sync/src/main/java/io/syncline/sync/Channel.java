package io.syncline.sync;

import io.syncline.core.Delta;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import java.util.List;

/**
 * The client side of one sync session with one peer: {@code push(changes)} and
 * {@code pull(cursor)}, answered asynchronously through a {@link Listener} (an answer may never
 * come on a lossy transport; the {@link SyncManager} retries). Cursors are opaque.
 *
 * <p>Thread-safety: call it, and expect its listener to be called, on the owner's scheduler
 * thread only.
 */
public interface Channel {
  /** Sends local changes; answered by {@link Listener#onAck} or {@link Listener#onRefuse}. */
  void push(long id, Delta changes);

  /** Asks for every change newer than {@code cursor}; answered by {@link Listener#onChanges}. */
  void pull(Bytes cursor);

  /** Measures the round trip; answered by {@link Listener#onRoundTrip}. */
  void ping();

  /** Says goodbye and closes; {@link Listener#onClose} follows. Idempotent. */
  void close(String reason);

  /** True between the peer's Welcome and the close. */
  boolean isOpen();

  /** What the peer says; all methods run on the owner's scheduler thread. */
  interface Listener {
    /** The handshake completed. */
    void onOpen(Message.Welcome welcome);

    /** The peer merged the pushes with these ids. */
    void onAck(List<Long> ids, Bytes cursor);

    /** The peer will never merge the pushes with these ids. */
    void onRefuse(List<Long> ids, ErrorCode code, String message);

    /** Changes newer than a cursor this side pulled with, and the cursor to pull with next. */
    void onChanges(Delta delta, Bytes cursor, boolean more);

    /** The peer has changes this side has not pulled. */
    void onPoke(Bytes cursor);

    /** A ping came back after {@code millis}. */
    void onRoundTrip(long millis);

    /** The session ended; called once, last. {@code error} is null after a clean close. */
    void onClose(String reason, ErrorCode error);
  }
}

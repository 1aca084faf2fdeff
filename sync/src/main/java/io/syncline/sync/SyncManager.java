package io.syncline.sync;

import io.syncline.core.Change;
import io.syncline.core.ChangeLog;
import io.syncline.core.Changeset;
import io.syncline.core.Store;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps one {@link Store} in sync with any number of peers (servers, hubs, other replicas).
 *
 * <h2>Design</h2>
 * The manager is a tailer of the store's {@link ChangeLog}. When local changesets are appended
 * it collapses them per cell ({@link ChangeLog#collapse}: only the newest stamp of a cell
 * leaves the device) and hands them to every peer; each peer pushes after its policy's debounce,
 * one push at a time (see {@code PeerSync} for why), so a burst of writes to one cell becomes one
 * change on the wire. Each peer pulls on an interval its {@link SchedulePolicy} adapts to
 * activity, round-trip time and failures, and at once when the peer pokes. Remote changes are
 * merged with {@link Store#applyDelta}, so the store's listeners see them as REMOTE; remote
 * changesets appended to the log are skipped by the tailer. Two replicas that each run a
 * {@link SyncHub} and a manager pointed at the other sync both ways (ping-pong).
 *
 * <h2>Threading</h2>
 * Everything runs on the injected {@link Scheduler}, whose tasks never overlap. Writers may
 * commit on any thread: the log's append callback only schedules a drain. Listener methods run
 * on the scheduler thread.
 */
public final class SyncManager implements AutoCloseable {
  /**
   * Told what happens to the peers; every method runs on the scheduler thread. An exception
   * thrown by a method is logged and otherwise ignored, so keep them short and safe.
   */
  public interface Listener {
    default void onStatus(String peer, PeerStatus status) {}

    /** The peer will never merge {@code changes}; the application decides what to do. */
    default void onRefused(String peer, List<Change> changes, ErrorCode code, String message) {}

    default void onError(String peer, String message) {}

    /**
     * The number of local changes not yet acknowledged by {@code peer} changed to {@code
     * pending} (the value {@link ChannelCollection#pendingCount} now returns): after local
     * writes, an Ack, a Refuse, the first push of a session, or a disconnect. Called only on a
     * change, so {@code pending == 0} means the peer has acknowledged everything.
     */
    default void onPending(String peer, int pending) {}

    /**
     * The link to {@code peer} went down, or a connection attempt failed; called just before
     * {@link #onStatus} reports {@link PeerStatus#OFFLINE}, and not when the peer is removed or
     * the manager closes.
     *
     * @param reason why, in words: the close reason of the transport or of the peer's Bye or
     *     Error, or why connecting failed; never null
     * @param errorOrNull the protocol error that ended the session (sent or received), or null
     *     for an orderly close, a transport failure or a failed connection attempt
     */
    default void onDisconnected(String peer, String reason, ErrorCode errorOrNull) {}
  }

  final Store store;
  final Scheduler scheduler;
  final ProtocolChannel.Identity identity;
  final Listener listener;
  private final String tailerName;
  private final SchedulePolicy policy;
  private final ChannelCollection channels = new ChannelCollection();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private ChangeLog.Tailer tailer;
  private boolean closed;

  private SyncManager(Builder b) {
    this.store = b.store;
    this.scheduler = b.scheduler;
    this.identity = new ProtocolChannel.Identity(b.storeId, store.replicaId(), b.token, b.encodings);
    this.listener = new SafeListener(b.listener);
    this.tailerName = b.tailerName;
    this.policy = b.policy != null ? b.policy : new AdaptivePolicy(new Random());
  }

  /** A builder for a manager syncing {@code store} as {@code storeId}, on {@code scheduler}. */
  public static Builder builder(Store store, String storeId, Scheduler scheduler) {
    return new Builder(store, storeId, scheduler);
  }

  /** Attaches to the change log; peers added before or after start connect at once. */
  public void start() {
    if (tailer != null || closed) {
      throw new IllegalStateException("SyncManager for " + store + " was already started.");
    }
    tailer = store.changeLog().tailer(tailerName);
    tailer.onAppend(() -> {
      if (drainScheduled.compareAndSet(false, true)) {
        scheduler.schedule(this::drainTailer, 0);
      }
    });
    channels.all().forEach(PeerSync::connect);
  }

  /** Adds a peer reached through {@code connector}, pulled with cursors of kind {@code mode}. */
  public void addPeer(String name, Connector connector, CursorMode mode) {
    addPeer(name, connector, mode, Bytes.EMPTY);
  }

  /**
   * Adds a peer as above, resuming from a cursor saved from {@link ChannelCollection#cursor}
   * before a restart (only meaningful with {@link CursorMode#SERVER}), so the first pull fetches
   * only what changed since.
   */
  public void addPeer(String name, Connector connector, CursorMode mode, Bytes savedCursor) {
    if (closed) {
      throw new IllegalStateException("SyncManager for " + store + " is closed.");
    }
    if (name == null || connector == null || mode == null || savedCursor == null) {
      throw new IllegalArgumentException(
          "SyncManager.addPeer: name, connector, mode and savedCursor must not be null.");
    }
    PeerSync peer = new PeerSync(name, this, connector, mode, policy, savedCursor);
    channels.add(peer);
    if (tailer != null) {
      peer.connect();
    }
  }

  /** Disconnects and forgets the peer named {@code name}. */
  public void removePeer(String name) {
    channels.get(name);
    channels.remove(name).close();
  }

  /** The peers, their status and pending counts. */
  public ChannelCollection channels() {
    return channels;
  }

  /** Pushes pending changes and pulls from every online peer now, ignoring the schedule. */
  public void syncNow() {
    drainTailer();
    channels.all().forEach(PeerSync::syncNow);
  }

  /** Says goodbye to every peer and detaches from the change log. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channels.all().forEach(PeerSync::close);
    if (tailer != null) {
      tailer.close();
    }
  }

  /** Moves local changesets from the log to every peer's pending changes. */
  void drainTailer() {
    drainScheduled.set(false);
    if (tailer == null || closed) {
      return;
    }
    List<Changeset> local = new ArrayList<>();
    for (List<Changeset> batch = tailer.poll(1024); !batch.isEmpty(); batch = tailer.poll(1024)) {
      for (Changeset cs : batch) {
        if (store.changeLog().isLocal(cs)) {
          local.add(cs);
        }
      }
    }
    if (local.isEmpty()) {
      return;
    }
    List<Change> collapsed = ChangeLog.collapse(local);
    for (PeerSync p : channels.all()) {
      p.addPending(collapsed);
    }
  }

  private static final System.Logger LOG = System.getLogger(SyncManager.class.getName());

  /**
   * Shields the manager's state machine from a listener that throws: the exception is logged at
   * {@code WARNING} on the {@link System.Logger} named {@code io.syncline.sync.SyncManager}, and
   * the sync goes on.
   */
  private record SafeListener(Listener delegate) implements Listener {
    private static void listenerFailed(RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "A SyncManager.Listener threw; the sync goes on.", e);
    }

    @Override
    public void onStatus(String peer, PeerStatus status) {
      try {
        delegate.onStatus(peer, status);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }

    @Override
    public void onRefused(String peer, List<Change> changes, ErrorCode code, String message) {
      try {
        delegate.onRefused(peer, changes, code, message);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }

    @Override
    public void onError(String peer, String message) {
      try {
        delegate.onError(peer, message);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }

    @Override
    public void onPending(String peer, int pending) {
      try {
        delegate.onPending(peer, pending);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }

    @Override
    public void onDisconnected(String peer, String reason, ErrorCode errorOrNull) {
      try {
        delegate.onDisconnected(peer, reason, errorOrNull);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  /** Settings for a {@link SyncManager}. */
  public static final class Builder {
    private final Store store;
    private final String storeId;
    private final Scheduler scheduler;
    private String token = "";
    private List<Encoding> encodings = List.of(Encoding.BINARY);
    private SchedulePolicy policy;
    private Listener listener = new Listener() {};
    private String tailerName = "sync";

    private Builder(Store store, String storeId, Scheduler scheduler) {
      if (store == null || scheduler == null || storeId == null || storeId.isEmpty()) {
        throw new IllegalArgumentException(
            "SyncManager.builder: store, a non-empty storeId and scheduler are required.");
      }
      this.store = store;
      this.storeId = storeId;
      this.scheduler = scheduler;
    }

    /** The bearer token sent in every Hello; empty (the default) for none. */
    public Builder token(String token) {
      if (token == null) {
        throw new IllegalArgumentException("SyncManager.Builder.token must not be null.");
      }
      this.token = token;
      return this;
    }

    /**
     * Encodings offered in the Hello, preferred first (default: binary only).
     *
     * @throws IllegalArgumentException if empty
     * @throws IllegalStateException if an encoding is not available (JSON without Jackson)
     */
    public Builder encodings(List<Encoding> encodings) {
      if (encodings == null || encodings.isEmpty()) {
        throw new IllegalArgumentException("SyncManager.Builder.encodings must not be empty.");
      }
      SyncHub.requireAvailable("SyncManager.Builder.encodings", encodings);
      this.encodings = List.copyOf(encodings);
      return this;
    }

    /** The schedule; default {@link AdaptivePolicy} with an unseeded random. */
    public Builder policy(SchedulePolicy policy) {
      this.policy = policy;
      return this;
    }

    public Builder listener(Listener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("SyncManager.Builder.listener must not be null.");
      }
      this.listener = listener;
      return this;
    }

    /** The change log tailer's name (default "sync"); unique per store. */
    public Builder tailerName(String tailerName) {
      if (tailerName == null || tailerName.isEmpty()) {
        throw new IllegalArgumentException("SyncManager.Builder.tailerName must not be empty.");
      }
      this.tailerName = tailerName;
      return this;
    }

    public SyncManager build() {
      return new SyncManager(this);
    }
  }
}

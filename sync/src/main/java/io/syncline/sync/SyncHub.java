package io.syncline.sync;

import io.syncline.core.Delta;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Serves one {@link Store} to any number of connected peers over any frame transport: the server
 * side of the protocol. It merges pushes through the store's normal merge path (so local
 * listeners see them as REMOTE), answers pulls with deltas, numbers every change of the store
 * (its sequence cursor) and pokes the other sessions when the store changes.
 *
 * <h2>Cursors without history</h2>
 * For each sequence number the hub remembers the store's version vector just after that change,
 * for the last {@code historySize} changes. A pull at sequence {@code s} is answered with
 * {@code store.deltaSince(vectorAt(s))}; an unknown sequence (older than the history, from
 * another incarnation, or from the future) gets the whole state. A version-vector cursor is
 * answered directly with {@code deltaSince(vector)}.
 *
 * <h2>Threading</h2>
 * Sessions are confined to the hub's scheduler thread: frames from connections are handed to it
 * before they are read. The store may also be written directly on any thread; the hub's store
 * listener then runs on that thread, under the store's lock, and only records the new sequence
 * number and version vector (under the hub's lock) and schedules the pokes.
 */
public final class SyncHub implements AutoCloseable {
  /** The default {@link Builder#handshakeTimeoutMillis}: ten seconds. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  final Store store;
  final Scheduler scheduler;
  final String storeId;
  final Authenticator authenticator;
  final SessionLimits limits;
  final List<Encoding> encodings;
  final long epoch;
  /** Close a session that has not finished its handshake after this long; 0 = never. */
  final long handshakeTimeoutMillis;
  /** Close a session silent for longer than this; 0 = never. */
  final long idleTimeoutMillis;
  private final int historySize;
  /** Guarded by {@code this}. */
  private final TreeMap<Long, VersionVector> history = new TreeMap<>();
  private final List<HubSession> sessions = new ArrayList<>();
  private final Subscription subscription;
  /** Guarded by {@code this}. */
  private long sequence;
  /**
   * Guarded by {@code this}: for each change since the last poke round, the session whose push
   * caused it, or null for a direct write to the store.
   */
  private final List<HubSession> unpoked = new ArrayList<>();
  private volatile HubSession applying;
  private boolean closed;

  private SyncHub(Builder b) {
    this.store = b.store;
    this.scheduler = b.scheduler;
    this.storeId = b.storeId;
    this.authenticator = b.authenticator;
    this.limits = b.limits;
    this.encodings = List.copyOf(b.encodings);
    this.epoch = b.epoch != null ? b.epoch : new Random().nextLong();
    this.historySize = b.historySize;
    this.handshakeTimeoutMillis = b.handshakeTimeoutMillis;
    this.idleTimeoutMillis = b.idleTimeoutMillis != null ? b.idleTimeoutMillis
        : 3L * b.limits.heartbeatMillis();
    history.put(0L, store.versionVector());
    this.subscription = store.addChangesetListener((cs, origin) -> changed());
  }

  /** A builder for a hub serving {@code store} as {@code storeId}, on {@code scheduler}. */
  public static Builder builder(Store store, String storeId, Scheduler scheduler) {
    return new Builder(store, storeId, scheduler);
  }

  /**
   * Serves one peer on {@code connection}, which must not be started yet. Call on the hub's
   * scheduler thread (a server accepting on its own threads hands the connection over with
   * {@code scheduler.schedule(() -> hub.accept(c), 0)}).
   */
  public void accept(Connection connection) {
    if (closed) {
      connection.close("The hub is closed.");
      return;
    }
    HubSession s = new HubSession(this, connection);
    sessions.add(s);
    s.start();
  }

  /** Sessions currently connected (handshake done or not). Read on the scheduler thread. */
  public int sessionCount() {
    return sessions.size();
  }

  /** The store's current sequence number: how many changes the hub has seen since it started. */
  public synchronized long sequence() {
    return sequence;
  }

  /** Says goodbye to every session and stops listening to the store; on the scheduler thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (HubSession s : List.copyOf(sessions)) {
      s.shutDown();
    }
    subscription.close();
  }

  // ---- called by sessions --------------------------------------------------------------------

  void removed(HubSession s) {
    sessions.remove(s);
  }

  synchronized Bytes cursor() {
    return Cursors.sequence(epoch, sequence);
  }

  /** Runs {@code merge} on behalf of {@code s}, so {@code s} is not poked about its own push. */
  void applyFor(HubSession s, Runnable merge) {
    applying = s;
    try {
      merge.run();
    } finally {
      applying = null;
    }
  }

  /**
   * The delta answering {@code cursor}, the cursor to pull with next, and the hub's sequence
   * number the delta is known to cover (it holds every change up to it, perhaps more).
   */
  record Answer(Delta delta, Bytes cursor, long covers) {}

  Answer answer(Cursors.Parsed cursor) {
    if (cursor.vector() != null) {
      long covers = sequence();
      Delta d = store.deltaSince(cursor.vector());
      return new Answer(d, Cursors.versionVector(d.version()), covers);
    }
    VersionVector since = VersionVector.EMPTY;
    long covers;
    synchronized (this) {
      if (cursor.isSequence() && cursor.epoch() == epoch && cursor.sequence() <= sequence) {
        since = history.getOrDefault(cursor.sequence(), VersionVector.EMPTY);
      }
      covers = sequence;
    }
    // a change committed after 'covers' was read makes the delta hold more, never less
    return new Answer(store.deltaSince(since), Cursors.sequence(epoch, covers), covers);
  }

  /** The store listener: runs on the committing thread, under the store's lock. */
  private void changed() {
    boolean schedule;
    synchronized (this) {
      sequence++;
      history.put(sequence, store.versionVector());
      while (history.size() > historySize) {
        history.pollFirstEntry();
      }
      schedule = unpoked.isEmpty();
      unpoked.add(applying);
    }
    if (schedule) {
      scheduler.schedule(this::pokeAll, 0);
    }
  }

  private void pokeAll() {
    List<HubSession> causes;
    synchronized (this) {
      causes = new ArrayList<>(unpoked);
      unpoked.clear();
    }
    for (HubSession s : List.copyOf(sessions)) {
      if (causes.stream().anyMatch(c -> c != s)) {
        s.poke();
      }
    }
  }

  static void requireAvailable(String setting, List<Encoding> encodings) {
    for (Encoding e : encodings) {
      if (!e.isAvailable()) {
        throw new IllegalStateException(setting + " lists " + e.jsonName() + ", which needs "
            + "com.fasterxml.jackson.core:jackson-databind on the class path (an optional "
            + "dependency of syncline-sync).");
      }
    }
  }

  /** Settings for a {@link SyncHub}. */
  public static final class Builder {
    private final Store store;
    private final String storeId;
    private final Scheduler scheduler;
    private Authenticator authenticator = Authenticator.ALLOW_ALL;
    private SessionLimits limits = SessionLimits.DEFAULT;
    private List<Encoding> encodings = Encoding.available();
    private Long epoch;
    private int historySize = 1024;
    private long handshakeTimeoutMillis = DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
    private Long idleTimeoutMillis;

    private Builder(Store store, String storeId, Scheduler scheduler) {
      if (store == null || scheduler == null) {
        throw new IllegalArgumentException("SyncHub.builder: store and scheduler must not be null.");
      }
      if (storeId == null || storeId.isEmpty()
          || storeId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              > BinaryProtocol.MAX_ID_BYTES) {
        throw new IllegalArgumentException(
            "SyncHub.builder: storeId must be 1 to 256 UTF-8 bytes, was \"" + storeId + "\".");
      }
      this.store = store;
      this.storeId = storeId;
      this.scheduler = scheduler;
    }

    public Builder authenticator(Authenticator authenticator) {
      if (authenticator == null) {
        throw new IllegalArgumentException("SyncHub.Builder.authenticator must not be null.");
      }
      this.authenticator = authenticator;
      return this;
    }

    public Builder limits(SessionLimits limits) {
      if (limits == null) {
        throw new IllegalArgumentException("SyncHub.Builder.limits must not be null.");
      }
      this.limits = limits;
      return this;
    }

    /**
     * Encodings the hub accepts, in no particular order (the client's preference wins). Default:
     * every {@linkplain Encoding#available() available} one, so JSON only when Jackson is on the
     * class path. Offer JSON only to message-oriented transports (WebSocket); over HTTP frames
     * need their length prefix, which JSON frames lack.
     *
     * @throws IllegalArgumentException if BINARY is missing
     * @throws IllegalStateException if an encoding is not available (JSON without Jackson)
     */
    public Builder encodings(List<Encoding> encodings) {
      if (encodings == null || encodings.isEmpty() || !encodings.contains(Encoding.BINARY)) {
        throw new IllegalArgumentException(
            "SyncHub.Builder.encodings must include BINARY, was " + encodings + ".");
      }
      requireAvailable("SyncHub.Builder.encodings", encodings);
      this.encodings = List.copyOf(encodings);
      return this;
    }

    /** The incarnation number in this hub's cursors; random by default. */
    public Builder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    /** How many recent sequence numbers the hub can answer incrementally (default 1024). */
    public Builder historySize(int historySize) {
      if (historySize < 1) {
        throw new IllegalArgumentException(
            "SyncHub.Builder.historySize must be at least 1, was " + historySize + ".");
      }
      this.historySize = historySize;
      return this;
    }

    /**
     * How long a session may take from its connection to a valid Hello (default {@value
     * SyncHub#DEFAULT_HANDSHAKE_TIMEOUT_MILLIS} ms); a session that has not sent one by then is closed
     * with {@code Error(TIMEOUT)}, whatever else it sends. 0 disables the limit.
     */
    public Builder handshakeTimeoutMillis(long handshakeTimeoutMillis) {
      if (handshakeTimeoutMillis < 0) {
        throw new IllegalArgumentException("SyncHub.Builder.handshakeTimeoutMillis must not be "
            + "negative, was " + handshakeTimeoutMillis + ".");
      }
      this.handshakeTimeoutMillis = handshakeTimeoutMillis;
      return this;
    }

    /**
     * How long a session may stay silent (no frame at all; clients ping every heartbeat, and an
     * HTTP client that stops polling sends nothing) before it is closed with {@code
     * Error(TIMEOUT)}. Default: three times the limits' {@code heartbeatMillis}, so no limit
     * when the heartbeat is 0. 0 disables the limit. The check runs every third of the limit.
     */
    public Builder idleTimeoutMillis(long idleTimeoutMillis) {
      if (idleTimeoutMillis < 0) {
        throw new IllegalArgumentException("SyncHub.Builder.idleTimeoutMillis must not be "
            + "negative, was " + idleTimeoutMillis + ".");
      }
      this.idleTimeoutMillis = idleTimeoutMillis;
      return this;
    }

    public SyncHub build() {
      return new SyncHub(this);
    }
  }
}

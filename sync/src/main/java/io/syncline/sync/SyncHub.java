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
 * Confined to its scheduler's thread: frames from connections are handed to it before they are
 * read, and the hub's store listener only records the change and schedules the pokes.
 */
public final class SyncHub implements AutoCloseable {
  final Store store;
  final Scheduler scheduler;
  final String storeId;
  final Authenticator authenticator;
  final SessionLimits limits;
  final List<Encoding> encodings;
  final long epoch;
  private final int historySize;
  private final TreeMap<Long, VersionVector> history = new TreeMap<>();
  private final List<HubSession> sessions = new ArrayList<>();
  private final Subscription subscription;
  private long sequence;
  private HubSession applying;
  private boolean pokeScheduled;
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
    history.put(0L, store.versionVector());
    this.subscription = store.addChangesetListener((cs, origin) -> changed());
  }

  /** A builder for a hub serving {@code store} as {@code storeId}, on {@code scheduler}. */
  public static Builder builder(Store store, String storeId, Scheduler scheduler) {
    return new Builder(store, storeId, scheduler);
  }

  /** Serves one peer on {@code connection}, which must not be started yet. */
  public void accept(Connection connection) {
    if (closed) {
      connection.close("The hub is closed.");
      return;
    }
    HubSession s = new HubSession(this, connection);
    sessions.add(s);
    s.start();
  }

  /** Sessions currently connected (handshake done or not). */
  public int sessionCount() {
    return sessions.size();
  }

  /** The store's current sequence number: how many changes the hub has seen since it started. */
  public long sequence() {
    return sequence;
  }

  /** Closes every session and stops listening to the store. */
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

  Bytes cursor() {
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

  /** The delta answering {@code cursor}, and the cursor to pull with next. */
  record Answer(Delta delta, Bytes cursor) {}

  Answer answer(Cursors.Parsed cursor) {
    if (cursor.vector() != null) {
      return new Answer(store.deltaSince(cursor.vector()), Cursors.versionVector(store.versionVector()));
    }
    VersionVector since = VersionVector.EMPTY;
    if (cursor.isSequence() && cursor.epoch() == epoch && cursor.sequence() <= sequence) {
      since = history.getOrDefault(cursor.sequence(), VersionVector.EMPTY);
    }
    return new Answer(store.deltaSince(since), cursor());
  }

  private void changed() {
    sequence++;
    history.put(sequence, store.versionVector());
    while (history.size() > historySize) {
      history.pollFirstEntry();
    }
    for (HubSession s : sessions) {
      if (s != applying) {
        s.needsPoke = true;
      }
    }
    if (!pokeScheduled) {
      pokeScheduled = true;
      scheduler.schedule(this::pokeAll, 0);
    }
  }

  private void pokeAll() {
    pokeScheduled = false;
    for (HubSession s : List.copyOf(sessions)) {
      if (s.needsPoke) {
        s.poke();
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
    private List<Encoding> encodings = List.of(Encoding.BINARY, Encoding.JSON);
    private Long epoch;
    private int historySize = 1024;

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

    /** Encodings the hub accepts, in no particular order (the client's preference wins). */
    public Builder encodings(List<Encoding> encodings) {
      if (encodings == null || encodings.isEmpty() || !encodings.contains(Encoding.BINARY)) {
        throw new IllegalArgumentException(
            "SyncHub.Builder.encodings must include BINARY, was " + encodings + ".");
      }
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

    public SyncHub build() {
      return new SyncHub(this);
    }
  }
}

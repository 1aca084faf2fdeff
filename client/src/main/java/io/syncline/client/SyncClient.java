package io.syncline.client;

import io.syncline.client.internal.ClientScheduler;
import io.syncline.client.internal.HttpConnection;
import io.syncline.client.internal.WebSocketConnection;
import io.syncline.core.Change;
import io.syncline.core.Durability;
import io.syncline.core.Journal;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.sync.AdaptivePolicy;
import io.syncline.sync.Connector;
import io.syncline.sync.CursorMode;
import io.syncline.sync.PeerStatus;
import io.syncline.sync.SchedulePolicy;
import io.syncline.sync.SyncManager;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.transport.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Keeps one {@link Store} in sync with a Syncline sync server, over WebSocket ({@code ws://},
 * {@code wss://}: both directions push) or HTTP ({@code http://}, {@code https://}: one
 * {@code POST} carries pending frames and brings back the server's).
 *
 * <pre>{@code
 * SyncClient client = SyncClient.connect(URI.create("ws://localhost:7070/sync"), store,
 *     SyncClient.Options.builder("todo").token(token).build());
 * client.addStatusListener(s -> System.out.println(s.state() + ", " + s.pending() + " pending"));
 * store.setCell("todos", "t1", "done", true);   // applied now; sent when online
 * client.close();
 * }</pre>
 *
 * <h2>Design</h2>
 * The client is a thin shell around the sync module: a {@link SyncManager} does the protocol
 * (handshake, collapsed pushes, pulls on an adaptive interval or a poke, retries), with one peer
 * whose {@link Connector} opens a {@link WebSocketConnection} or an {@link HttpConnection}. The
 * offline queue is the store's own change log: writes made while offline stay pending in the
 * manager and, on every (re)connection, the first push is {@code store.deltaSince} the server's
 * version, so nothing written offline is lost, even changes made before this client started.
 * Reconnection uses the manager's {@link AdaptivePolicy}: exponential backoff with jitter, capped.
 * With {@link Options.Builder#journal} the store's local changesets are also durable on the
 * device, so pending writes survive a crash when the store is reloaded from its persister.
 *
 * <h2>Threading</h2>
 * Each client owns one daemon thread, {@code syncline-client-<storeId>}, on which the manager, the
 * status listeners and remote merges run; merges take the store's lock like any writer. Every
 * public method may be called from any thread. Status listeners are called on the client's thread,
 * in order, and must not block; they may call {@link #close()}.
 *
 * <p>Network events arrive on the {@code HttpClient}'s threads. Each connection guards its send
 * queue with its own monitor and hands whole frames to a {@code FrameDelivery} (a second
 * monitor, only ever taken after the connection's), whose handler just enqueues them for the
 * client's thread. Lock order: connection, then delivery, then the scheduler's queue. The store's
 * lock is taken on the client's thread (merges) or the writer's, never under a connection's.
 */
public final class SyncClient implements AutoCloseable {
  private static final String PEER = "server";

  private final URI uri;
  private final Store store;
  private final Options options;
  private final boolean webSocket;
  private final ClientScheduler scheduler;
  private final HttpClient http;
  private final SyncManager manager;
  private final CopyOnWriteArrayList<Consumer<SyncStatus>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile SyncStatus status = new SyncStatus(SyncStatus.State.CONNECTING, 0, null);
  private volatile String lastError; // written on the client's thread
  private volatile byte[] finalCursor; // set when closing

  private SyncClient(URI uri, Store store, Options options) {
    this.uri = uri;
    this.store = store;
    this.options = options;
    this.webSocket = isWebSocket(uri);
    this.scheduler = new ClientScheduler("syncline-client-" + options.storeId(),
        e -> error("The sync client failed: " + e));
    this.http = options.httpClient() != null ? options.httpClient() : SharedHttpClient.INSTANCE;
    this.manager = SyncManager.builder(store, options.storeId(), scheduler)
        .token(options.token())
        .policy(options.newPolicy())
        .tailerName("sync-client-" + options.storeId())
        .listener(new ManagerListener())
        .build();
    manager.addPeer(PEER, this::openConnection, CursorMode.SERVER,
        Bytes.of(options.resumeCursor()));
  }

  /**
   * Starts syncing {@code store} with the server at {@code uri} and returns at once; the status
   * is {@link SyncStatus.State#CONNECTING} until the handshake completes.
   *
   * @param uri the server's sync endpoint: {@code ws://}, {@code wss://}, {@code http://} or
   *     {@code https://}
   * @throws IllegalArgumentException if the URI has another scheme or no host, or an argument is
   *     null
   */
  public static SyncClient connect(URI uri, Store store, Options options) {
    if (uri == null || store == null || options == null) {
      throw new IllegalArgumentException("SyncClient.connect: uri, store and options are required.");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of("ws", "wss", "http", "https").contains(scheme) || uri.getHost() == null) {
      throw new IllegalArgumentException("SyncClient.connect: the URI must be ws://, wss://, "
          + "http:// or https:// with a host, was " + uri + ".");
    }
    SyncClient client = new SyncClient(uri, store, options);
    client.start();
    return client;
  }

  private static boolean isWebSocket(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT).startsWith("ws");
  }

  private void start() {
    if (options.journal() != null) {
      store.attachJournal(options.journal(), options.durability());
    }
    scheduler.schedule(() -> {
      manager.start();
      refresh();
    }, 0);
  }

  private Connection openConnection() {
    if (webSocket) {
      return WebSocketConnection.open(http, uri, options.token(), options.connectTimeout(),
          options.maxMessageBytes());
    }
    return new HttpConnection(http, uri, options.token(), options.requestTimeout(), scheduler,
        options.httpPollInterval().toMillis(), options.maxMessageBytes(),
        options.maxMessageBytes());
  }

  /**
   * The {@link HttpClient} clients share unless given one: JDK 17's client cannot be closed (its
   * threads end when it is unreachable), so one per {@code SyncClient} would leave threads behind
   * every closed client until a GC. Timeouts are set per WebSocket and per request instead.
   */
  private static final class SharedHttpClient {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The endpoint this client syncs with. */
  public URI uri() {
    return uri;
  }

  /** The store this client syncs. */
  public Store store() {
    return store;
  }

  /** The latest status; safe from any thread. */
  public SyncStatus status() {
    return status;
  }

  /**
   * Calls {@code listener} with the current status now (on the client's thread) and after every
   * change of state, pending count or last error.
   *
   * @return a subscription whose {@code close()} removes the listener
   */
  public Subscription addStatusListener(Consumer<SyncStatus> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    scheduler.schedule(() -> {
      if (listeners.contains(listener)) {
        listener.accept(status);
      }
    }, 0);
    return () -> listeners.remove(listener);
  }

  /**
   * The server cursor this client would pull with now: everything up to it is merged into the
   * store. Save it with the store's data and pass it to {@link Options.Builder#resumeFrom} after a
   * restart, so the next client fetches only what changed since. After {@link #close()}, the
   * cursor at the close.
   *
   * @throws SyncClientException if the client's thread does not answer within the connect
   *     timeout
   */
  public byte[] cursor() {
    byte[] done = finalCursor;
    if (done != null) {
      return done.clone();
    }
    if (scheduler.inThread()) {
      return manager.channels().cursor(PEER).toByteArray();
    }
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    scheduler.schedule(() -> f.complete(manager.channels().cursor(PEER).toByteArray()), 0);
    try {
      return f.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      byte[] closedCursor = finalCursor;
      if (closedCursor != null) {
        return closedCursor.clone();
      }
      throw new SyncClientException("The sync client for " + uri + " did not report its cursor.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncClientException("Interrupted while reading the cursor of " + uri + ".", e);
    }
  }

  /** Pushes pending changes and pulls now, without waiting for the schedule. */
  public void syncNow() {
    scheduler.schedule(manager::syncNow, 0);
  }

  /**
   * Waits until the status satisfies {@code condition}, for at most {@code timeout}.
   *
   * @return true if it did, false on timeout
   * @throws IllegalStateException if called on the client's own thread
   */
  public boolean awaitStatus(Predicate<SyncStatus> condition, Duration timeout)
      throws InterruptedException {
    if (scheduler.inThread()) {
      throw new IllegalStateException("awaitStatus would block the sync client's own thread.");
    }
    CountDownLatch met = new CountDownLatch(1);
    Consumer<SyncStatus> l = s -> {
      if (condition.test(s)) {
        met.countDown();
      }
    };
    Subscription subscription = addStatusListener(l);
    try {
      return condition.test(status) || met.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      subscription.close();
    }
  }

  /**
   * Says goodbye to the server, stops every timer and the client's thread, and (with a journal
   * whose durability is not {@code NONE}) flushes the store's journal. Pending changes stay in the
   * store and are sent by the next client. Idempotent; may be called from a status listener.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    Runnable stop = () -> {
      try {
        finalCursor = manager.channels().cursor(PEER).toByteArray();
        manager.close();
        publish(new SyncStatus(SyncStatus.State.CLOSED, pendingNow(), lastError));
      } finally {
        done.countDown();
      }
    };
    if (scheduler.inThread()) {
      stop.run();
    } else {
      scheduler.schedule(stop, 0);
      try {
        done.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    scheduler.shutdown(options.connectTimeout().toMillis());
    if (options.journal() != null && options.durability() != Durability.NONE) {
      store.flush();
    }
  }

  @Override
  public String toString() {
    return "SyncClient[" + uri + ", " + options.storeId() + ", " + status + "]";
  }

  // ---- status, on the client's thread ---------------------------------------------------------

  private void refresh() {
    if (status.state() == SyncStatus.State.CLOSED) {
      return;
    }
    PeerStatus peer = manager.channels().status(PEER);
    SyncStatus.State state = switch (peer) {
      case CONNECTING -> SyncStatus.State.CONNECTING;
      case ONLINE -> SyncStatus.State.ONLINE;
      case OFFLINE -> SyncStatus.State.OFFLINE;
      case CLOSED -> SyncStatus.State.CLOSED;
    };
    publish(new SyncStatus(state, pendingNow(), lastError));
  }

  private int pendingNow() {
    return manager.channels().pendingCount(PEER);
  }

  /**
   * Tells the listeners, in order. A listener may call {@link #close()}: the CLOSED status is then
   * published at once, and the listeners not yet told of {@code next} are not told of it late.
   */
  private void publish(SyncStatus next) {
    SyncStatus current = status;
    if (next.equals(current)) {
      return;
    }
    if (!current.state().canBecome(next.state())) {
      // A bug in the manager's state machine: report it rather than freeze the status.
      next = new SyncStatus(next.state(), next.pending(), "The sync client went from "
          + current.state() + " to " + next.state() + ", which should not happen.");
    }
    status = next;
    for (Consumer<SyncStatus> l : listeners) {
      if (status != next) {
        return; // a listener published a newer status (it closed the client)
      }
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        lastError = "A status listener failed: " + e;
      }
    }
  }

  /** Records {@code message} as the last error and publishes it; on the client's thread. */
  private void error(String message) {
    lastError = message;
    if (closed.get()) {
      return;
    }
    if (scheduler.inThread()) {
      safeRefresh();
    } else {
      scheduler.schedule(this::safeRefresh, 0);
    }
  }

  /** A refresh that cannot fail back into {@link #error}, so errors never loop. */
  private void safeRefresh() {
    try {
      refresh();
    } catch (RuntimeException e) {
      lastError = "The sync client could not read its status: " + e;
    }
  }

  /** What the manager reports; called on the client's thread. */
  private final class ManagerListener implements SyncManager.Listener {
    @Override
    public void onStatus(String peer, PeerStatus s) {
      if (s != PeerStatus.CLOSED) {
        refresh();
      }
    }

    @Override
    public void onRefused(String peer, List<Change> changes, ErrorCode code, String message) {
      error("The server refused " + changes.size() + " changes (" + code + "): " + message);
    }

    @Override
    public void onError(String peer, String message) {
      error(message);
    }

    @Override
    public void onPending(String peer, int pending) {
      refresh();
    }

    @Override
    public void onDisconnected(String peer, String reason, ErrorCode errorOrNull) {
      if (!closed.get()) {
        error("Disconnected from " + uri + ": " + reason
            + (errorOrNull == null ? "" : " (" + errorOrNull + ")"));
      }
    }
  }

  /** Settings of a {@link SyncClient}; build with {@link #builder}. */
  public static final class Options {
    private final String storeId;
    private final String token;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration httpPollInterval;
    private final int maxMessageBytes;
    private final Journal journal;
    private final Durability durability;
    private final SchedulePolicy policy;
    private final Random random;
    private final long[] intervals; // minPull, maxPull, activeWindow, minBackoff, maxBackoff
    private final byte[] resumeCursor;
    private final HttpClient httpClient;

    private Options(Builder b) {
      this.httpClient = b.httpClient;
      this.resumeCursor = b.resumeCursor;
      this.storeId = b.storeId;
      this.token = b.token;
      this.connectTimeout = b.connectTimeout;
      this.requestTimeout = b.requestTimeout;
      this.httpPollInterval = b.httpPollInterval;
      this.maxMessageBytes = b.maxMessageBytes;
      this.journal = b.journal;
      this.durability = b.durability;
      this.policy = b.policy;
      this.random = b.random;
      this.intervals = new long[] {b.minPull.toMillis(), b.maxPull.toMillis(),
          b.activeWindow.toMillis(), b.minBackoff.toMillis(), b.maxBackoff.toMillis()};
    }

    /** Settings for syncing the server's store {@code storeId} (1 to 256 UTF-8 bytes). */
    public static Builder builder(String storeId) {
      return new Builder(storeId);
    }

    public String storeId() {
      return storeId;
    }

    public String token() {
      return token;
    }

    public Duration connectTimeout() {
      return connectTimeout;
    }

    public Duration requestTimeout() {
      return requestTimeout;
    }

    public Duration httpPollInterval() {
      return httpPollInterval;
    }

    public int maxMessageBytes() {
      return maxMessageBytes;
    }

    /** The journal attached to the store at connect, or null. */
    public Journal journal() {
      return journal;
    }

    public Durability durability() {
      return durability;
    }

    /** The policy set with {@link Builder#policy}, or null for the default. */
    public SchedulePolicy policy() {
      return policy;
    }

    /** The policy for one new client: the custom one, or a fresh {@link AdaptivePolicy}. */
    SchedulePolicy newPolicy() {
      return policy != null ? policy : new AdaptivePolicy(random, intervals[0], intervals[1],
          intervals[2], intervals[3], intervals[4]);
    }

    /** The HTTP client set with {@link Builder#httpClient}, or null for the shared default. */
    public HttpClient httpClient() {
      return httpClient;
    }

    /** The saved cursor to resume from; empty for none (the first pull fetches everything). */
    public byte[] resumeCursor() {
      return resumeCursor.clone();
    }

    /** Builds {@link Options}; every setter validates its argument at once. */
    public static final class Builder {
      private final String storeId;
      private String token = "";
      private Duration connectTimeout = Duration.ofSeconds(10);
      private Duration requestTimeout = Duration.ofSeconds(30);
      private Duration httpPollInterval = Duration.ofSeconds(1);
      private Duration minPull = Duration.ofMillis(100);
      private Duration maxPull = Duration.ofSeconds(30);
      private Duration activeWindow = Duration.ofSeconds(5);
      private Duration minBackoff = Duration.ofMillis(250);
      private Duration maxBackoff = Duration.ofSeconds(60);
      private int maxMessageBytes = BinaryProtocol.MAX_FRAME_BYTES + 16;
      private Journal journal;
      private Durability durability = Durability.BATCHED;
      private SchedulePolicy policy;
      private Random random = new Random();
      private byte[] resumeCursor = new byte[0];
      private HttpClient httpClient;

      private Builder(String storeId) {
        if (storeId == null || storeId.isEmpty()
            || storeId.getBytes(StandardCharsets.UTF_8).length > BinaryProtocol.MAX_ID_BYTES) {
          throw new IllegalArgumentException("SyncClient.Options.storeId must be 1 to "
              + BinaryProtocol.MAX_ID_BYTES + " UTF-8 bytes, was \"" + storeId + "\".");
        }
        this.storeId = storeId;
      }

      /** The bearer token, sent in the Hello and as {@code Authorization}; empty for none. */
      public Builder token(String token) {
        if (token == null || token.getBytes(StandardCharsets.UTF_8).length
            > BinaryProtocol.MAX_TOKEN_BYTES) {
          throw new IllegalArgumentException("SyncClient.Options.token must be non-null and at "
              + "most " + BinaryProtocol.MAX_TOKEN_BYTES + " UTF-8 bytes.");
        }
        this.token = token;
        return this;
      }

      /**
       * How long opening a WebSocket may take (default 10 s); also bounds {@code close()}. Over
       * HTTP the request timeout covers connecting.
       */
      public Builder connectTimeout(Duration d) {
        this.connectTimeout = positive(d, "connectTimeout");
        return this;
      }

      /** How long one HTTP request may take (default 30 s). */
      public Builder requestTimeout(Duration d) {
        this.requestTimeout = positive(d, "requestTimeout");
        return this;
      }

      /** Over HTTP, how long an idle connection waits before polling for pokes (default 1 s). */
      public Builder httpPollInterval(Duration d) {
        this.httpPollInterval = positive(d, "httpPollInterval");
        return this;
      }

      /**
       * The pull interval: {@code min} while either side is active, doubling when idle up to
       * {@code max} (defaults 100 ms and 30 s); see {@link AdaptivePolicy}.
       */
      public Builder pullInterval(Duration min, Duration max) {
        positive(min, "pullInterval min");
        if (positive(max, "pullInterval max").compareTo(min) < 0) {
          throw new IllegalArgumentException("SyncClient.Options.pullInterval: max " + max
              + " is below min " + min + ".");
        }
        this.minPull = min;
        this.maxPull = max;
        return this;
      }

      /** How long after the last change either side counts as active (default 5 s). */
      public Builder activeWindow(Duration d) {
        this.activeWindow = positive(d, "activeWindow");
        return this;
      }

      /**
       * Reconnection backoff: from {@code min}, doubling per failure, capped at {@code max}, with
       * jitter (defaults 250 ms and 60 s).
       */
      public Builder reconnectBackoff(Duration min, Duration max) {
        positive(min, "reconnectBackoff min");
        if (positive(max, "reconnectBackoff max").compareTo(min) < 0) {
          throw new IllegalArgumentException("SyncClient.Options.reconnectBackoff: max " + max
              + " is below min " + min + ".");
        }
        this.minBackoff = min;
        this.maxBackoff = max;
        return this;
      }

      /** The random source of the jitter; seed it for a replayable schedule. */
      public Builder random(Random random) {
        this.random = Objects.requireNonNull(random, "SyncClient.Options.random");
        return this;
      }

      /**
       * Replaces the whole schedule (intervals, backoff and jitter settings are then unused). A
       * policy is not thread-safe: give each client its own {@link Options}.
       */
      public Builder policy(SchedulePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "SyncClient.Options.policy");
        return this;
      }

      /**
       * The largest message accepted from the server, in bytes (default 16 MiB + 16): a
       * WebSocket message, or the body of one HTTP response. A larger one closes the connection.
       */
      public Builder maxMessageBytes(int bytes) {
        if (bytes < BinaryProtocol.MIN_MAX_FRAME_BYTES) {
          throw new IllegalArgumentException("SyncClient.Options.maxMessageBytes must be at least "
              + BinaryProtocol.MIN_MAX_FRAME_BYTES + ", was " + bytes + ".");
        }
        this.maxMessageBytes = bytes;
        return this;
      }

      /**
       * A journal to attach to the store at connect, so local writes (the offline queue) are
       * durable on the device, and how long each write waits for it (default
       * {@link Durability#BATCHED}).
       */
      public Builder journal(Journal journal, Durability durability) {
        this.journal = Objects.requireNonNull(journal, "SyncClient.Options.journal");
        this.durability = Objects.requireNonNull(durability, "SyncClient.Options.durability");
        return this;
      }

      /**
       * Resumes from a cursor saved with {@link SyncClient#cursor()} by an earlier client of the
       * same store data, so the first pull fetches only what changed since. A cursor the server
       * no longer knows costs a full resync, never data.
       */
      public Builder resumeFrom(byte[] cursor) {
        if (cursor == null || cursor.length > BinaryProtocol.MAX_CURSOR_BYTES) {
          throw new IllegalArgumentException("SyncClient.Options.resumeFrom: the cursor must be "
              + "non-null and at most " + BinaryProtocol.MAX_CURSOR_BYTES + " bytes.");
        }
        this.resumeCursor = cursor.clone();
        return this;
      }

      /**
       * The {@code java.net.http} client to connect with (for a proxy, TLS settings or an
       * executor of your own); by default one client shared by every {@code SyncClient}.
       */
      public Builder httpClient(HttpClient client) {
        this.httpClient = Objects.requireNonNull(client, "SyncClient.Options.httpClient");
        return this;
      }

      public Options build() {
        return new Options(this);
      }

      private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "SyncClient.Options." + name + " must be positive, was " + d + ".");
        }
        return d;
      }
    }
  }
}

package io.syncline.client.testserver;

import io.syncline.core.Store;
import io.syncline.sync.Authenticator;
import io.syncline.sync.Scheduler;
import io.syncline.sync.SyncHub;
import io.syncline.sync.protocol.SessionLimits;
import io.syncline.sync.transport.Connection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A sync server for tests: a {@link SyncHub} over one {@link Store} behind Jetty on 127.0.0.1,
 * with the WebSocket endpoint at {@value #WS_PATH} and the HTTP endpoint at {@value #HTTP_PATH}.
 * It can be stopped and started again on the same port with the same store (the store plays the
 * server's durable storage; a restart is a new hub incarnation, so cursors reset).
 *
 * <p>The hub and the store's remote merges run on one scheduler thread, as the hub requires.
 */
public final class HubServer implements AutoCloseable {
  public static final String WS_PATH = "/sync/ws";
  public static final String HTTP_PATH = "/sync/http";

  private final Store store;
  private final String storeId;
  private final SessionLimits limits;
  private final Authenticator authenticator;
  private final ScheduledExecutorService executor;
  private final Scheduler scheduler;
  private final WireCounters counters = new WireCounters();
  private int port;
  private Server server;
  private SyncHub hub;
  private HttpSyncHandler http;

  /** A stopped server for {@code store}; {@link #start} binds an ephemeral port the first time. */
  public HubServer(Store store, String storeId, SessionLimits limits) {
    this(store, storeId, limits, Authenticator.ALLOW_ALL);
  }

  /** As above, checking every Hello's token with {@code authenticator}. */
  public HubServer(Store store, String storeId, SessionLimits limits,
      Authenticator authenticator) {
    this.authenticator = authenticator;
    this.store = store;
    this.storeId = storeId;
    this.limits = limits;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "test-hub-" + storeId);
      t.setDaemon(true);
      return t;
    });
    this.scheduler = Scheduler.of(executor);
  }

  public HubServer start() throws Exception {
    hub = onHub(() -> SyncHub.builder(store, storeId, scheduler).limits(limits)
        .authenticator(authenticator).build());
    server = new Server(new QueuedThreadPool(32, 4, 60_000));
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setReuseAddress(true);
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
      container.setMaxBinaryMessageSize(4L << 20);
      container.setMaxTextMessageSize(4L << 20);
      container.setIdleTimeout(Duration.ofSeconds(60));
      container.addMapping(WS_PATH, (request, response, callback) ->
          new JettyWebSocketConnection(this::accept, counters));
    });
    http = new HttpSyncHandler(HTTP_PATH, hub, scheduler, limits.maxFrameBytes(),
        4 * limits.maxFrameBytes(), counters);
    ws.setHandler(http);
    context.setHandler(ws);
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
    return this;
  }

  /** Stops listening, drops every connection and closes the hub; the store is kept. */
  public void stop() throws Exception {
    if (server == null) {
      return;
    }
    server.stop();
    server = null;
    http.closeAll();
    SyncHub h = hub;
    onHub(() -> {
      h.close();
      return null;
    });
  }

  private void accept(Connection connection) {
    SyncHub h = hub;
    scheduler.schedule(() -> h.accept(connection), 0);
  }

  /** Runs {@code task} on the hub's thread and waits for it. */
  public <T> T onHub(java.util.concurrent.Callable<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    scheduler.schedule(() -> {
      try {
        f.complete(task.call());
      } catch (Exception | Error e) {
        f.completeExceptionally(e);
      }
    }, 0);
    return f.get(10, TimeUnit.SECONDS);
  }

  /** Frames and bytes through this server's sockets, over every start. */
  public WireCounters counters() {
    return counters;
  }

  public Store store() {
    return store;
  }

  public int port() {
    return port;
  }

  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + port + WS_PATH);
  }

  public URI httpUri() {
    return URI.create("http://127.0.0.1:" + port + HTTP_PATH);
  }

  public int sessionCount() throws Exception {
    SyncHub h = hub;
    return onHub(h::sessionCount);
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (Exception e) {
      throw new IllegalStateException("Stopping the test sync server failed.", e);
    } finally {
      executor.shutdownNow();
    }
  }
}

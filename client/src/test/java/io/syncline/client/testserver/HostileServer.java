package io.syncline.client.testserver;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A misbehaving server on 127.0.0.1 for the client's robustness tests: its WebSocket endpoint
 * answers every message with a fixed reply, and its HTTP endpoint answers every POST with a fixed
 * status and body. It records what clients send and how often they connect.
 */
public final class HostileServer implements AutoCloseable {
  private final byte[] reply;
  private final int httpStatus;
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  /** Every message clients sent, WebSocket messages and HTTP bodies alike. */
  public final List<byte[]> received = new CopyOnWriteArrayList<>();
  /** WebSocket upgrades plus HTTP requests without a session header. */
  public final AtomicInteger connects = new AtomicInteger();

  public HostileServer(byte[] reply, int httpStatus) throws Exception {
    this.reply = reply;
    this.httpStatus = httpStatus;
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, c -> {
      c.setMaxBinaryMessageSize(1 << 20);
      c.addMapping("/ws", (rq, rs, cb) -> new Endpoint());
    });
    ws.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        if (request.getHeaders().get("Syncline-Session") == null) {
          connects.incrementAndGet();
        }
        received.add(Content.Source.asInputStream(request).readAllBytes());
        response.setStatus(httpStatus);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/vnd.syncline.frames");
        response.getHeaders().put("Syncline-Session", "s1");
        response.write(true, ByteBuffer.wrap(reply), callback);
        return true;
      }
    });
    context.setHandler(ws);
    server.setHandler(context);
    server.start();
  }

  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
  }

  public URI httpUri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/http");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Stopping the hostile test server failed.", e);
    }
  }

  /** Answers each message with the reply. */
  public final class Endpoint implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session session) {
      this.session = session;
      connects.incrementAndGet();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback cb) {
      byte[] m = new byte[payload.remaining()];
      payload.get(m);
      cb.succeed();
      received.add(m);
      session.sendBinary(ByteBuffer.wrap(reply), org.eclipse.jetty.websocket.api.Callback.NOOP);
    }
  }
}

package io.syncline.client.testserver;

import io.syncline.client.internal.FrameDelivery;
import io.syncline.sync.transport.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The server end of a sync session over a Jetty WebSocket: one protocol frame per message. When
 * the socket opens, it hands itself to {@code onOpen} (which accepts it into the hub).
 */
public final class JettyWebSocketConnection implements Connection, Session.Listener.AutoDemanding {
  private final FrameDelivery delivery = new FrameDelivery("server WebSocket");
  private final Consumer<Connection> onOpen;
  private final WireCounters counters;
  private volatile Session session;
  private final Callback sent;

  JettyWebSocketConnection(Consumer<Connection> onOpen, WireCounters counters) {
    this.onOpen = onOpen;
    this.counters = counters;
    this.sent = Callback.from(() -> { }, failure -> {
      counters.failedSends.incrementAndGet();
      delivery.close("Sending failed: " + failure);
    });
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    onOpen.accept(this);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] frame = new byte[payload.remaining()];
    payload.get(frame);
    callback.succeed();
    counters.in(frame);
    delivery.frame(frame);
  }

  @Override
  public void onWebSocketText(String message) {
    delivery.frame(message.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    delivery.close("The client closed the WebSocket (" + statusCode + ").");
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    delivery.close("The WebSocket failed: " + cause);
  }

  @Override
  public void start(FrameHandler handler) {
    delivery.start(handler);
  }

  @Override
  public synchronized boolean send(byte[] frame) {
    Session s = session;
    if (s == null || !s.isOpen() || delivery.isClosed()) {
      return false;
    }
    counters.out(frame);
    if (frame.length > 0 && frame[0] == '{') {
      s.sendText(new String(frame, StandardCharsets.UTF_8), sent);
    } else {
      s.sendBinary(ByteBuffer.wrap(frame), sent);
    }
    return true;
  }

  @Override
  public void close(String reason) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close(1000, "closed by the hub", Callback.NOOP);
    }
    delivery.close(reason);
  }

  @Override
  public boolean isOpen() {
    return !delivery.isClosed();
  }
}

package io.syncline.client.internal;

import io.syncline.sync.transport.Connection;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Connection} over a {@code java.net.http} {@link WebSocket}: one protocol frame per
 * WebSocket message, binary frames as binary messages and JSON frames (which start with
 * {@code '{'}, a byte no binary frame starts with) as text messages. Both directions push.
 *
 * <h2>Concurrency</h2>
 * {@link #send} and {@link #close} may be called from any thread. Outgoing frames wait in
 * {@code outbox} (guarded by {@code this}) until the socket is open and the previous message has
 * been handed to the network, because a {@code WebSocket} accepts one outstanding send at a time;
 * so frames leave in the order they were sent, and a close waits for the frames sent before it.
 * Incoming messages are assembled on the WebSocket's listener thread (its calls are sequential)
 * and handed to {@link FrameDelivery}, which serialises them with the close. One message is
 * requested at a time, after the previous one was delivered: the handler only enqueues, so this
 * is flow control without a stall.
 */
public final class WebSocketConnection implements Connection, WebSocket.Listener {
  /** How long a closing socket may take to send what is queued and exchange Close frames. */
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  private final URI uri;
  private final int maxMessageBytes;
  private final FrameDelivery delivery;
  // Guarded by this.
  private WebSocket socket;
  private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
  private boolean sending;
  private boolean open = true;
  private String closeReason;
  private boolean closeSent;
  // Listener thread only.
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final StringBuilder partialText = new StringBuilder();

  private WebSocketConnection(URI uri, int maxMessageBytes) {
    this.uri = uri;
    this.maxMessageBytes = maxMessageBytes;
    this.delivery = new FrameDelivery("WebSocket " + uri);
  }

  /**
   * Starts opening a WebSocket to {@code uri} and returns at once; frames sent before the socket
   * opens wait for it, and a failure to open closes the connection.
   *
   * @param token bearer token sent as {@code Authorization}, or empty for none
   * @param maxMessageBytes largest message accepted from the peer; a bigger one closes the socket
   */
  public static WebSocketConnection open(HttpClient client, URI uri, String token,
      Duration connectTimeout, int maxMessageBytes) {
    WebSocketConnection c = new WebSocketConnection(uri, maxMessageBytes);
    WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(connectTimeout);
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    b.buildAsync(uri, c).whenComplete((ws, error) -> {
      if (error != null) {
        c.failed("Could not open a WebSocket to " + uri + ": " + rootMessage(error));
      }
    });
    return c;
  }

  @Override
  public void start(FrameHandler handler) {
    delivery.start(handler);
  }

  @Override
  public boolean send(byte[] frame) {
    synchronized (this) {
      if (!open) {
        return false;
      }
      outbox.add(frame);
    }
    pump();
    return true;
  }

  @Override
  public void close(String reason) {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      closeReason = reason == null ? "" : reason;
    }
    pump();
    delivery.close(reason);
    // If the network stalls, the queued frames and the Close never leave: abort after a grace.
    CompletableFuture.delayedExecutor(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
      WebSocket ws;
      synchronized (this) {
        ws = socket;
      }
      if (ws != null) {
        ws.abort();
      }
    });
  }

  @Override
  public boolean isOpen() {
    synchronized (this) {
      return open && !delivery.isClosed();
    }
  }

  /** Sends the next queued frame, or the Close once the queue is empty and a close was asked. */
  private void pump() {
    WebSocket ws;
    byte[] next;
    synchronized (this) {
      if (socket == null || sending) {
        return;
      }
      ws = socket;
      next = outbox.poll();
      if (next == null) {
        if (open || closeSent) {
          return;
        }
        closeSent = true;
      }
      sending = true;
    }
    CompletableFuture<WebSocket> sent = next == null
        ? ws.sendClose(WebSocket.NORMAL_CLOSURE, fitCloseReason(closeReason))
        : next.length > 0 && next[0] == '{'
            ? ws.sendText(new String(next, StandardCharsets.UTF_8), true)
            : ws.sendBinary(ByteBuffer.wrap(next), true);
    sent.whenComplete((w, error) -> {
      synchronized (this) {
        sending = false;
      }
      if (next == null) {
        return; // the Close left; close() aborts the socket if the peer does not answer it
      }
      if (error != null) {
        failed("Sending on the WebSocket to " + uri + " failed: " + rootMessage(error));
      } else {
        pump();
      }
    });
  }

  /** Closes because of a failure; aborts the socket. */
  private void failed(String reason) {
    WebSocket ws;
    synchronized (this) {
      open = false;
      outbox.clear();
      ws = socket;
    }
    if (ws != null) {
      ws.abort();
    }
    delivery.close(reason);
  }

  // ---- WebSocket.Listener (sequential calls on the client's threads) -----------------------

  @Override
  public void onOpen(WebSocket webSocket) {
    synchronized (this) {
      socket = webSocket;
    }
    webSocket.request(1);
    pump(); // frames sent while opening, then the Close if close() came meanwhile
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    if (partial.size() + data.remaining() > maxMessageBytes) {
      tooLarge(webSocket, partial.size() + data.remaining());
      return null;
    }
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.writeBytes(chunk);
    if (last) {
      byte[] frame = partial.toByteArray();
      partial.reset();
      delivery.frame(frame);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    if (partialText.length() + data.length() > maxMessageBytes) {
      tooLarge(webSocket, partialText.length() + data.length());
      return null;
    }
    partialText.append(data);
    if (last) {
      byte[] frame = partialText.toString().getBytes(StandardCharsets.UTF_8);
      partialText.setLength(0);
      delivery.frame(frame);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    synchronized (this) {
      open = false;
      outbox.clear();
    }
    delivery.close("The server closed the WebSocket (" + statusCode
        + (reason.isEmpty() ? "" : ": " + reason) + ").");
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    failed("The WebSocket to " + uri + " failed: " + rootMessage(error));
  }

  private void tooLarge(WebSocket webSocket, long size) {
    webSocket.sendClose(1009, "message too big");
    failed("The server sent a WebSocket message of at least " + size
        + " bytes, over the limit of " + maxMessageBytes + ".");
  }

  /** A close reason fits in 123 UTF-8 bytes (RFC 6455 section 5.5). */
  static String fitCloseReason(String reason) {
    String r = reason == null ? "" : reason;
    while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  @Override
  public String toString() {
    return "WebSocketConnection[" + uri + "]";
  }
}

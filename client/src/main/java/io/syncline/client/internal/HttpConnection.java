package io.syncline.client.internal;

import io.syncline.sync.protocol.FrameStream;
import io.syncline.sync.Scheduler;
import io.syncline.sync.protocol.ProtocolException;
import io.syncline.sync.transport.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Connection} over plain HTTP requests ({@link HttpSyncProtocol}): frames sent are
 * queued and leave together in the body of the next {@code POST}; the frames in the response are
 * delivered in order. One request is in flight at a time, so frames leave in the order they were
 * sent, and whatever is queued while a request is in flight leaves in the next one, right after
 * the answer ("pushes batched into a pull"). When nothing has been sent for {@code pollMillis},
 * an empty {@code POST} fetches what the server holds for the session (its pokes).
 *
 * <p>The first request carries the Hello and opens a session on the server; its answer names the
 * session ({@code Syncline-Session}), which every later request repeats. A 404 (the server forgot
 * the session, for instance after a restart), any other non-200 status, a failed request or a
 * malformed response body closes the connection; the sync manager then reconnects with a new
 * Hello.
 *
 * <h2>Concurrency</h2>
 * {@link #send} and {@link #close} may be called from any thread; the queue, the in-flight flag
 * and the session id are guarded by {@code this}. Responses arrive on the {@code HttpClient}'s
 * threads and are delivered through {@link FrameDelivery}, serially.
 */
public final class HttpConnection implements Connection {
  private final HttpClient client;
  private final URI uri;
  private final String token;
  private final Duration requestTimeout;
  private final Scheduler timers;
  private final long pollMillis;
  private final int maxFrameBytes;
  private final long maxBodyBytes;
  private final FrameDelivery delivery;
  // Guarded by this.
  private final List<byte[]> outbox = new ArrayList<>();
  private boolean inFlight;
  private boolean open = true;
  private String session;
  private Scheduler.Cancellable pollTimer;

  /**
   * A connection to the endpoint {@code uri}; no request leaves until the first frame is sent.
   *
   * @param timers where the idle poll is scheduled
   * @param maxFrameBytes largest frame accepted in a response
   * @param maxBodyBytes largest response body accepted; a longer one closes the connection
   */
  public HttpConnection(HttpClient client, URI uri, String token, Duration requestTimeout,
      Scheduler timers, long pollMillis, int maxFrameBytes, long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
    this.client = client;
    this.uri = uri;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.timers = timers;
    this.pollMillis = pollMillis;
    this.maxFrameBytes = maxFrameBytes;
    this.delivery = new FrameDelivery("HTTP " + uri);
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
    flush(false);
    return true;
  }

  /**
   * Closes the connection. Frames sent before (the Bye) still leave, in one last request without
   * waiting for its answer, once the request in flight (if any) is answered.
   */
  @Override
  public void close(String reason) {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      cancelPoll();
    }
    sendLast();
    delivery.close(reason);
  }

  /** After the close: posts what is still queued, unless a request is in flight (then later). */
  private void sendLast() {
    List<byte[]> last;
    String id;
    synchronized (this) {
      if (inFlight || outbox.isEmpty() || session == null) {
        return;
      }
      last = new ArrayList<>(outbox);
      outbox.clear();
      id = session;
    }
    client.sendAsync(request(last, id), HttpResponse.BodyHandlers.discarding());
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }

  /** Posts the queued frames (or an empty poll) unless a request is already in flight. */
  private void flush(boolean poll) {
    List<byte[]> frames;
    String id;
    synchronized (this) {
      if (!open || inFlight || (outbox.isEmpty() && !(poll && session != null))) {
        return;
      }
      frames = new ArrayList<>(outbox);
      outbox.clear();
      inFlight = true;
      id = session;
      cancelPoll();
    }
    HttpRequest request = request(frames, id);
    client.sendAsync(request, LimitedBody.handler(maxBodyBytes))
        .whenComplete((response, error) -> {
          if (error != null) {
            fail("The HTTP request to " + uri + " failed: " + WebSocketConnection.rootMessage(error));
          } else {
            answered(response);
          }
        });
  }

  private HttpRequest request(List<byte[]> frames, String id) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Content-Type", HttpSyncProtocol.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(FrameStream.join(frames)));
    if (id != null) {
      b.header(HttpSyncProtocol.SESSION_HEADER, id);
    }
    if (!token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private void answered(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status == HttpSyncProtocol.STATUS_UNKNOWN_SESSION) {
      fail("The server at " + uri + " does not know HTTP sync session " + session + " (404).");
      return;
    }
    if (status != 200) {
      fail("The server at " + uri + " answered HTTP " + status + ": " + excerpt(response.body()));
      return;
    }
    List<byte[]> frames;
    try {
      frames = FrameStream.split(response.body(), maxFrameBytes);
    } catch (ProtocolException e) {
      fail("The response from " + uri + " is not a sequence of frames: " + e.getMessage());
      return;
    }
    synchronized (this) {
      session = response.headers().firstValue(HttpSyncProtocol.SESSION_HEADER).orElse(session);
    }
    for (byte[] f : frames) {
      delivery.frame(f);
    }
    boolean more;
    boolean closing;
    synchronized (this) {
      inFlight = false;
      closing = !open;
      more = !outbox.isEmpty();
      if (!more && open) {
        pollTimer = timers.schedule(() -> flush(true), pollMillis);
      }
    }
    if (closing) {
      sendLast();
    } else if (more) {
      flush(false);
    }
  }

  private void fail(String reason) {
    synchronized (this) {
      open = false;
      inFlight = false;
      outbox.clear();
      cancelPoll();
    }
    delivery.close(reason);
  }

  private void cancelPoll() {
    if (pollTimer != null) {
      pollTimer.cancel();
      pollTimer = null;
    }
  }

  private static String excerpt(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    return s.isBlank() ? "(no body)" : s.strip();
  }

  @Override
  public String toString() {
    return "HttpConnection[" + uri + "]";
  }
}

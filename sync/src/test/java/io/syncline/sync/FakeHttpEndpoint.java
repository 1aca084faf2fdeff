package io.syncline.sync;

import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.FrameStream;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.ProtocolException;
import io.syncline.sync.transport.Connection;
import io.syncline.sync.transport.RequestResponseConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP sync endpoint of {@code docs/protocol.md} section 14 without HTTP: what a server
 * adapter does with each {@code POST}, in front of a {@link SyncHub}, on the hub's (virtual)
 * scheduler. {@link PollingClient} is its client.
 */
final class FakeHttpEndpoint {
  /** An HTTP response: status, {@code Syncline-Session} header, body. */
  record Response(int status, String session, byte[] body) {}

  private final Scheduler scheduler;
  private final SyncHub hub;
  private final int maxFrameBytes;
  private final long idleMillis;
  private final Map<String, RequestResponseConnection> sessions = new HashMap<>();
  private int nextId;
  /** While set, every request fails with 503 (the server is unreachable). */
  boolean down;
  /**
   * Probability that a response is lost after the server handled the request (the client sees a
   * failed request, status 0), drawn from {@link #random}.
   */
  double responseLoss;
  Random random = new Random(0);

  FakeHttpEndpoint(Scheduler scheduler, SyncHub hub, int maxFrameBytes, long idleMillis) {
    this.scheduler = scheduler;
    this.hub = hub;
    this.maxFrameBytes = maxFrameBytes;
    this.idleMillis = idleMillis;
  }

  int sessionCount() {
    return sessions.size();
  }

  /** Handles one POST; call on the scheduler thread. */
  CompletableFuture<Response> post(String session, byte[] body) {
    if (down) {
      return CompletableFuture.completedFuture(new Response(503, null, new byte[0]));
    }
    RequestResponseConnection c = session == null
        ? new RequestResponseConnection(scheduler, "s" + nextId++, idleMillis)
        : sessions.get(session);
    if (c == null) {
      return CompletableFuture.completedFuture(new Response(404, null, new byte[0]));
    }
    List<byte[]> frames;
    try {
      frames = FrameStream.split(body, maxFrameBytes);
    } catch (ProtocolException e) {
      c.close(e.getMessage());
      byte[] error = new BinaryCodec(maxFrameBytes).encode(
          new Message.Error(e.code(), Message.fitText(e.getMessage()), true));
      return CompletableFuture.completedFuture(new Response(200, c.id(), error));
    }
    if (session == null) {
      sessions.put(c.id(), c);
      c.closed().thenRun(() -> sessions.remove(c.id()));
      hub.accept(c);
    }
    return c.deliver(frames).handle((out, failure) -> failure != null
        ? new Response(404, null, new byte[0])
        : random.nextDouble() < responseLoss ? new Response(0, null, new byte[0])
        : new Response(200, c.id(), FrameStream.join(out)));
  }

  /**
   * The client end, like the client module's {@code HttpConnection}: one request in flight,
   * frames queued meanwhile leave in the next one, an empty poll after {@code pollMillis} of
   * silence; any status but 200 ends the connection. Requests and responses each take {@code
   * latencyMillis}.
   */
  static final class PollingClient implements Connection {
    private final Scheduler scheduler;
    private final FakeHttpEndpoint endpoint;
    private final long latencyMillis;
    private final long pollMillis;
    private final List<byte[]> queue = new ArrayList<>();
    private FrameHandler handler;
    private String session;
    private boolean inFlight;
    private boolean open = true;
    private Scheduler.Cancellable pollTimer;
    int requests;

    PollingClient(Scheduler scheduler, FakeHttpEndpoint endpoint, long latencyMillis,
        long pollMillis) {
      this.scheduler = scheduler;
      this.endpoint = endpoint;
      this.latencyMillis = latencyMillis;
      this.pollMillis = pollMillis;
    }

    @Override
    public void start(FrameHandler handler) {
      this.handler = handler;
    }

    @Override
    public boolean send(byte[] frame) {
      if (!open) {
        return false;
      }
      queue.add(frame.clone());
      flush(false);
      return true;
    }

    private void flush(boolean poll) {
      if (!open || inFlight || (queue.isEmpty() && !(poll && session != null))) {
        return;
      }
      byte[] body = FrameStream.join(queue);
      queue.clear();
      inFlight = true;
      requests++;
      cancelPoll();
      String id = session;
      scheduler.schedule(() -> endpoint.post(id, body).thenAccept(
          r -> scheduler.schedule(() -> answered(r), latencyMillis)), latencyMillis);
    }

    private void answered(Response r) {
      inFlight = false;
      if (!open) {
        return;
      }
      if (r.status() != 200) {
        close("HTTP " + r.status());
        return;
      }
      session = r.session();
      for (byte[] frame : FrameStream.split(r.body(), Integer.MAX_VALUE)) {
        handler.onFrame(frame);
      }
      if (!queue.isEmpty()) {
        flush(false);
      } else {
        pollTimer = scheduler.schedule(() -> flush(true), pollMillis);
      }
    }

    private void cancelPoll() {
      if (pollTimer != null) {
        pollTimer.cancel();
        pollTimer = null;
      }
    }

    @Override
    public void close(String reason) {
      if (!open) {
        return;
      }
      flush(false); // a Bye queued just before the close still leaves
      open = false;
      cancelPoll();
      if (handler != null) {
        scheduler.schedule(() -> handler.onClose(reason), 0);
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }
  }
}

package io.syncline.sync.transport;

import io.syncline.sync.Scheduler;
import io.syncline.sync.SyncException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server end of one session on a request/response transport such as HTTP: each request
 * carries zero or more frames from the client, and its response carries every frame the server
 * sent the session since the previous response. It knows nothing of HTTP; a server adapter
 * (Jetty, the JDK's {@code HttpServer}, ...) splits a request body into frames, calls {@link
 * #deliver}, and writes the frames it gets back.
 *
 * <h2>How a request is answered</h2>
 * {@link #deliver} hands the request's frames to the handler on the {@link Scheduler}, then
 * schedules a "barrier" task with no delay after them, which takes everything sent so far. The
 * scheduler runs tasks of equal time in submission order, and a {@code SyncHub} session handles
 * each frame in a no-delay task of its own and answers it before returning, so the barrier runs
 * after the session has handled the request's frames and the answer holds their replies (Ack,
 * Refuse, Changes, Pong) as well as anything sent in between (Pokes). The connection must
 * therefore use the same scheduler as the hub it is given to.
 *
 * <h2>Lifetime</h2>
 * The connection closes itself when no request has arrived for {@code idleTimeoutMillis}: a
 * client that stops polling is forgotten, and the hub sees {@link FrameHandler#onClose}. After a
 * close (from either side) the first request still receives the frames sent before the close
 * (a fatal Error, a Bye); after that, requests fail with a {@link SyncException}, which an HTTP
 * adapter answers with its "unknown session" status. {@link #closed()} completes on close, so an
 * adapter can drop the connection from its session table.
 *
 * <p>Thread-safety: {@link #deliver}, {@link #send}, {@link #close} and the accessors may be
 * called from any thread; the handler is called on the scheduler's thread.
 */
public final class RequestResponseConnection implements Connection {
  private final Scheduler scheduler;
  private final String id;
  private final long idleTimeoutMillis;
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  /** Guarded by {@code this}. */
  private final List<byte[]> outbox = new ArrayList<>();
  /** Guarded by {@code this}: requests that arrived before {@link #start}. */
  private final List<Runnable> parked = new ArrayList<>();
  /** Guarded by {@code this}. */
  private FrameHandler handler;
  /** Guarded by {@code this}. */
  private boolean open = true;
  private volatile long lastRequestMillis;

  /**
   * A connection for the session called {@code id}, served on {@code scheduler} (the hub's).
   *
   * @param idleTimeoutMillis how long without a request before the connection closes itself;
   *     at least 1
   * @throws IllegalArgumentException if an argument is null or the timeout is not positive
   */
  public RequestResponseConnection(Scheduler scheduler, String id, long idleTimeoutMillis) {
    if (scheduler == null || id == null) {
      throw new IllegalArgumentException(
          "RequestResponseConnection: scheduler and id must not be null.");
    }
    if (idleTimeoutMillis < 1) {
      throw new IllegalArgumentException("RequestResponseConnection.idleTimeoutMillis must be at"
          + " least 1, was " + idleTimeoutMillis + ".");
    }
    this.scheduler = scheduler;
    this.id = id;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.lastRequestMillis = scheduler.nowMillis();
    scheduleIdleCheck(idleTimeoutMillis);
  }

  /** The session id the adapter named this connection by. */
  public String id() {
    return id;
  }

  /**
   * Hands one request's frames to the session and answers with the frames it sent since the
   * previous answer. Frames are delivered in order, as if they had arrived on a WebSocket.
   *
   * @param frames whole frames (each with its type byte and length); may be empty (a poll)
   * @return completes, on the scheduler's thread, with the frames to put in the response
   *     (possibly none); completes exceptionally with a {@link SyncException} if the connection
   *     was closed and has nothing left to send
   * @throws IllegalArgumentException if {@code frames} or one of them is null
   */
  public CompletableFuture<List<byte[]>> deliver(List<byte[]> frames) {
    if (frames == null) {
      throw new IllegalArgumentException("RequestResponseConnection.deliver: frames is null.");
    }
    List<byte[]> copy = new ArrayList<>(frames.size());
    for (byte[] f : frames) {
      if (f == null) {
        throw new IllegalArgumentException(
            "RequestResponseConnection.deliver: frame " + copy.size() + " is null.");
      }
      copy.add(f.clone());
    }
    CompletableFuture<List<byte[]>> answer = new CompletableFuture<>();
    lastRequestMillis = scheduler.nowMillis();
    scheduler.schedule(() -> handOver(copy, answer), 0);
    return answer;
  }

  private void handOver(List<byte[]> frames, CompletableFuture<List<byte[]>> answer) {
    FrameHandler h;
    boolean isOpen;
    synchronized (this) {
      isOpen = open;
      if (isOpen && handler == null) {
        parked.add(() -> handOver(frames, answer));
        return;
      }
      h = handler;
    }
    if (!isOpen) {
      finishClosed(answer); // completes outside the lock: the adapter's callbacks run here
      return;
    }
    frames.forEach(h::onFrame);
    scheduler.schedule(() -> {
      lastRequestMillis = scheduler.nowMillis();
      answer.complete(drain());
    }, 0);
  }

  /** On a closed connection: the frames sent before the close, once; then a failure. */
  private void finishClosed(CompletableFuture<List<byte[]>> answer) {
    List<byte[]> rest = drain();
    if (rest.isEmpty()) {
      answer.completeExceptionally(new SyncException(
          "The session " + id + " is closed: " + closed.getNow("closed") + "."));
    } else {
      answer.complete(rest);
    }
  }

  private synchronized List<byte[]> drain() {
    List<byte[]> out = new ArrayList<>(outbox);
    outbox.clear();
    return out;
  }

  /** The time, on the scheduler's clock, of the last request or answer. */
  public long lastRequestMillis() {
    return lastRequestMillis;
  }

  /**
   * Completes with the close reason when the connection closes, from either side (the idle
   * expiry, the hub, or the adapter), on the thread that closed it; an adapter removes the
   * session from its table here, so the table must be safe for that thread.
   */
  public CompletableFuture<String> closed() {
    return closed;
  }

  @Override
  public void start(FrameHandler handler) {
    List<Runnable> waiting;
    synchronized (this) {
      if (this.handler != null) {
        throw new IllegalStateException("Connection " + id + " was already started.");
      }
      this.handler = handler;
      waiting = List.copyOf(parked);
      parked.clear();
      if (!open) {
        scheduler.schedule(() -> handler.onClose(closed.getNow("closed")), 0);
      }
    }
    waiting.forEach(r -> scheduler.schedule(r, 0));
  }

  @Override
  public synchronized boolean send(byte[] frame) {
    if (!open) {
      return false;
    }
    outbox.add(frame);
    return true;
  }

  @Override
  public void close(String reason) {
    String why = reason != null ? reason : "closed";
    FrameHandler h;
    List<Runnable> waiting;
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      h = handler;
      waiting = List.copyOf(parked);
      parked.clear();
    }
    closed.complete(why);
    if (h != null) {
      scheduler.schedule(() -> h.onClose(why), 0);
    }
    waiting.forEach(r -> scheduler.schedule(r, 0));
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }

  private void scheduleIdleCheck(long delay) {
    scheduler.schedule(() -> {
      if (!isOpen()) {
        return;
      }
      long idle = scheduler.nowMillis() - lastRequestMillis;
      if (idle >= idleTimeoutMillis) {
        close("No request in session " + id + " for " + idle + " ms (the limit is "
            + idleTimeoutMillis + " ms).");
      } else {
        scheduleIdleCheck(idleTimeoutMillis - idle);
      }
    }, delay);
  }

  @Override
  public String toString() {
    return "RequestResponseConnection[" + id + (isOpen() ? "" : ", closed") + "]";
  }
}

package io.syncline.client.testserver;

import io.syncline.sync.protocol.FrameStream;
import io.syncline.client.internal.HttpSyncProtocol;
import io.syncline.sync.Scheduler;
import io.syncline.sync.SyncHub;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.ProtocolException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP sync endpoint ({@code HttpSyncProtocol}) in front of a {@link SyncHub}: each
 * {@code POST} delivers its frames to the session's hub connection, waits until the hub has
 * handled them (a barrier task on the hub's scheduler, which runs tasks in order), and answers
 * with every frame the hub has sent the session since the last answer.
 */
final class HttpSyncHandler extends Handler.Abstract {
  private final String path;
  private final SyncHub hub;
  private final Scheduler hubScheduler;
  private final int maxFrameBytes;
  private final int maxBodyBytes;
  private final WireCounters counters;
  private final Map<String, HttpSessionConnection> sessions = new ConcurrentHashMap<>();

  HttpSyncHandler(String path, SyncHub hub, Scheduler hubScheduler, int maxFrameBytes,
      int maxBodyBytes, WireCounters counters) {
    this.counters = counters;
    this.path = path;
    this.hub = hub;
    this.hubScheduler = hubScheduler;
    this.maxFrameBytes = maxFrameBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  int sessionCount() {
    return sessions.size();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!path.equals(Request.getPathInContext(request))) {
      return false;
    }
    if (!"POST".equals(request.getMethod())) {
      Response.writeError(request, response, callback, 405);
      return true;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      Response.writeError(request, response, callback, HttpSyncProtocol.STATUS_TOO_LARGE);
      return true;
    }
    String id = request.getHeaders().get(HttpSyncProtocol.SESSION_HEADER);
    boolean fresh = id == null;
    HttpSessionConnection conn = fresh ? new HttpSessionConnection(UUID.randomUUID().toString(), counters)
        : sessions.get(id);
    if (conn == null || !conn.isOpen()) {
      Response.writeError(request, response, callback, HttpSyncProtocol.STATUS_UNKNOWN_SESSION);
      return true;
    }
    List<byte[]> reply;
    try {
      List<byte[]> frames = FrameStream.split(body, maxFrameBytes);
      if (fresh) {
        sessions.put(conn.id, conn);
      }
      reply = exchange(conn, fresh, frames);
    } catch (ProtocolException e) {
      conn.close(e.getMessage());
      reply = List.of(new BinaryCodec(maxFrameBytes).encode(
          new Message.Error(e.code(), Message.fitText(e.getMessage()), true)));
    }
    if (!conn.isOpen()) {
      sessions.remove(conn.id);
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, HttpSyncProtocol.CONTENT_TYPE);
    response.getHeaders().put(HttpSyncProtocol.SESSION_HEADER, conn.id);
    response.write(true, ByteBuffer.wrap(FrameStream.join(reply)), callback);
    return true;
  }

  private List<byte[]> exchange(HttpSessionConnection conn, boolean fresh, List<byte[]> frames)
      throws Exception {
    CompletableFuture<List<byte[]>> answered = new CompletableFuture<>();
    hubScheduler.schedule(() -> {
      if (fresh) {
        hub.accept(conn);
      }
      frames.forEach(conn::arrive);
      // The session handles each frame in a task of its own, scheduled above; this one runs after.
      hubScheduler.schedule(() -> answered.complete(conn.drain()), 0);
    }, 0);
    return answered.get(10, TimeUnit.SECONDS);
  }

  /** Closes every session (the hub is going away). */
  void closeAll() {
    sessions.values().forEach(c -> c.close("The server is stopping."));
    sessions.clear();
  }
}

package io.syncline.client.internal;

/**
 * Constants of the HTTP sync endpoint, the protocol's request/response transport. One
 * {@code POST} carries the client's queued frames and is answered with every frame the server
 * has produced for the session since its previous answer.
 *
 * <pre>
 * POST {endpoint}
 *   Content-Type: application/vnd.syncline.frames
 *   Authorization: Bearer {token}          (when the client has a token; the Hello carries it too)
 *   Syncline-Session: {id}                  (absent on the first request, which opens the session
 *                                            and starts with the Hello)
 *   body: zero or more binary frames, back to back (type:u8 length:varint body)
 * 200 OK
 *   Content-Type: application/vnd.syncline.frames
 *   Syncline-Session: {id}
 *   body: zero or more binary frames, back to back
 * 404 the session is unknown or expired: the client opens a new one with a new Hello
 * 413 the request body is over the server's limit
 * </pre>
 *
 * <p>The server handles a request's frames in order, as if they had come over a WebSocket, and
 * answers with their answers plus anything produced since the previous response (pokes). A
 * framing error in a request body is answered {@code 200} with one fatal Error frame, and the
 * session ends. The client keeps one request in flight per session, sends what it queued
 * meanwhile right after the answer, and posts an empty body when idle for its poll interval.
 * Only the binary encoding is used (JSON frames carry no length). Servers expire sessions that
 * stay silent for three heartbeat intervals.
 */
public final class HttpSyncProtocol {
  private HttpSyncProtocol() {}

  /** The media type of request and response bodies. */
  public static final String CONTENT_TYPE = "application/vnd.syncline.frames";

  /** The header naming the session a request belongs to. */
  public static final String SESSION_HEADER = "Syncline-Session";

  /** The status a server answers for an unknown or expired session. */
  public static final int STATUS_UNKNOWN_SESSION = 404;

  /** The status a server answers for a body over its limit. */
  public static final int STATUS_TOO_LARGE = 413;
}

package io.syncline.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client that sends arbitrary bytes and records what comes back: a hostile peer. */
final class RawWebSocket implements WebSocket.Listener, AutoCloseable {
  final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final WebSocket socket;

  RawWebSocket(URI uri) throws Exception {
    socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(uri, this).get(5, TimeUnit.SECONDS);
  }

  void send(byte[] message) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(message), true).get(5, TimeUnit.SECONDS);
  }

  byte[] next() throws InterruptedException {
    byte[] m = received.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("No message from the server within 5 s.");
    }
    return m;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.writeBytes(chunk);
    if (last) {
      received.add(partial.toByteArray());
      partial.reset();
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    socket.abort();
  }
}

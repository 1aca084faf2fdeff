package io.syncline.client.testserver;

import io.syncline.client.internal.FrameDelivery;
import io.syncline.sync.transport.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The server end of an HTTP sync session: frames from requests are delivered to the hub; frames
 * the hub sends wait here until the next response drains them.
 */
final class HttpSessionConnection implements Connection {
  final String id;
  private final FrameDelivery delivery;
  private final List<byte[]> outbox = new ArrayList<>();
  private volatile long lastUsedNanos = System.nanoTime();

  private final WireCounters counters;

  HttpSessionConnection(String id, WireCounters counters) {
    this.id = id;
    this.counters = counters;
    this.delivery = new FrameDelivery("HTTP session " + id);
  }

  void arrive(byte[] frame) {
    lastUsedNanos = System.nanoTime();
    counters.in(frame);
    delivery.frame(frame);
  }

  synchronized List<byte[]> drain() {
    List<byte[]> out = new ArrayList<>(outbox);
    outbox.clear();
    return out;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  @Override
  public void start(FrameHandler handler) {
    delivery.start(handler);
  }

  @Override
  public synchronized boolean send(byte[] frame) {
    if (delivery.isClosed()) {
      return false;
    }
    counters.out(frame);
    outbox.add(frame);
    return true;
  }

  @Override
  public void close(String reason) {
    delivery.close(reason);
  }

  @Override
  public boolean isOpen() {
    return !delivery.isClosed();
  }
}

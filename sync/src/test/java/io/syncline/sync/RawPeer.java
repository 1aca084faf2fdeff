package io.syncline.sync;

import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.FrameCodec;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.transport.Connection;
import io.syncline.sync.transport.InMemoryTransport;
import java.util.ArrayList;
import java.util.List;

/** A hand-driven end of a connection: sends raw frames or messages, records what comes back. */
final class RawPeer implements Connection.FrameHandler {
  final Connection connection;
  final List<Message> received = new ArrayList<>();
  FrameCodec codec = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
  String closed;

  /**
   * Adds a peer "raw" to {@code m} whose every connection attempt gets a fresh in-memory link;
   * returns the live list of the server ends, one {@code RawPeer} per attempt, in order.
   */
  static List<RawPeer> serving(SyncManager m, VirtualScheduler scheduler, CursorMode mode) {
    List<RawPeer> servers = new ArrayList<>();
    m.addPeer("raw", () -> {
      InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
      servers.add(new RawPeer(pair.right()));
      return pair.left();
    }, mode);
    return servers;
  }

  RawPeer(Connection connection) {
    this.connection = connection;
    connection.start(this);
  }

  void send(Message m) {
    connection.send(codec.encode(m));
  }

  void sendRaw(byte[] frame) {
    connection.send(frame);
  }

  @Override
  public void onFrame(byte[] frame) {
    Message m = codec.decode(frame);
    received.add(m);
    if (m instanceof Message.Welcome w) {
      codec = FrameCodec.of(w.encoding(), w.limits().maxFrameBytes());
    }
  }

  @Override
  public void onClose(String reason) {
    closed = reason;
  }

  @SuppressWarnings("unchecked")
  <T extends Message> T last(Class<T> type) {
    for (int i = received.size() - 1; i >= 0; i--) {
      if (type.isInstance(received.get(i))) {
        return (T) received.get(i);
      }
    }
    throw new AssertionError("No " + type.getSimpleName() + " among " + received);
  }
}

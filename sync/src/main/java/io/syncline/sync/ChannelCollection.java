package io.syncline.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers one {@link SyncManager} fans its store out to, by name, each with its own channel,
 * cursor, pending changes and schedule. Read it from the manager's scheduler thread.
 */
public final class ChannelCollection {
  private final Map<String, PeerSync> peers = new LinkedHashMap<>();

  ChannelCollection() {}

  void add(PeerSync peer) {
    if (peers.putIfAbsent(peer.name, peer) != null) {
      throw new IllegalArgumentException("A peer named \"" + peer.name + "\" is already added.");
    }
  }

  PeerSync remove(String name) {
    return peers.remove(name);
  }

  PeerSync get(String name) {
    PeerSync p = peers.get(name);
    if (p == null) {
      throw new IllegalArgumentException("No peer named \"" + name + "\".");
    }
    return p;
  }

  List<PeerSync> all() {
    return List.copyOf(peers.values());
  }

  /** The peers' names, in the order they were added. */
  public List<String> names() {
    return List.copyOf(peers.keySet());
  }

  public int size() {
    return peers.size();
  }

  /** The status of the peer named {@code name}. */
  public PeerStatus status(String name) {
    return get(name).status();
  }

  /** Local changes not yet acknowledged by the peer named {@code name}. */
  public int pendingCount(String name) {
    return get(name).pendingCount();
  }

  /**
   * The cursor the peer named {@code name} would be pulled with now: save it with the store's
   * data and pass it to {@link SyncManager#addPeer(String, Connector, CursorMode,
   * io.syncline.sync.protocol.Bytes)} after a restart.
   */
  public io.syncline.sync.protocol.Bytes cursor(String name) {
    return get(name).cursor();
  }

  /** The last measured round-trip time to the peer named {@code name}, in milliseconds. */
  public long rttMillis(String name) {
    return get(name).rttMillis();
  }
}

package io.syncline.sync;

/**
 * Decides when a {@link SyncManager} pushes, pulls, retries and reconnects, for one peer. Called
 * on the manager's scheduler thread; implementations need not be thread-safe.
 */
public interface SchedulePolicy {
  /** What the manager knows about one peer when it asks the policy. */
  record PeerStats(
      long nowMillis,
      long lastActivityMillis,
      int idlePulls,
      int failures,
      long rttMillis) {}

  /** How long to wait after a local change before pushing, so close writes collapse. */
  long pushDelayMillis(PeerStats stats);

  /** How long to wait before the next pull when no poke arrives. */
  long pullDelayMillis(PeerStats stats);

  /** How long to wait for an Ack or Changes before sending the push or pull again. */
  long answerTimeoutMillis(PeerStats stats);

  /** How long to wait before reconnecting after {@code stats.failures()} failures in a row. */
  long reconnectDelayMillis(PeerStats stats);
}

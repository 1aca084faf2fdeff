package io.syncline.sync;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.Delta;
import io.syncline.core.Stamp;
import io.syncline.core.SynclineException;
import io.syncline.core.ValueChange;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.ProtocolException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SyncManager}'s link to one peer: connect, handshake, push pending local changes one
 * push at a time, pull on a schedule or a poke, retry what goes unanswered, reconnect with
 * backoff.
 *
 * <h2>Why pushes are stop-and-wait, and what they claim</h2>
 * The receiver's version vector may only claim a writer's stamp if it holds every earlier write
 * of that writer (see {@code VersionVector}). So at the start of every session the peer first
 * pushes a complete delta, {@code store.deltaSince(v)} where {@code v} is the version vector
 * that came with the session's first Changes; after that, each push carries all local changes
 * made since the previous push (collapsed per cell) and claims only this replica's own newest
 * stamp. Because the next push leaves only once the previous one is acknowledged, the receiver
 * has every earlier local write when it merges a push, and the claim is sound. After a refusal
 * the claim is dropped ({@link VersionVector#EMPTY}) for the rest of the session.
 *
 * <p>Confined to the manager's scheduler thread.
 */
final class PeerSync implements Channel.Listener {
  private static final int MAX_UNANSWERED = 3;

  final String name;
  private final SyncManager manager;
  private final Connector connector;
  private final CursorMode mode;
  private final SchedulePolicy policy;

  private PeerStatus status = PeerStatus.OFFLINE;
  private ProtocolChannel channel;
  private final Map<Object, Change> pending = new LinkedHashMap<>();
  private InFlight inFlight;
  private long nextPushId = 1;
  private boolean bootstrapped;
  private boolean refusedThisSession;
  private Bytes cursor;
  private boolean pullOutstanding;
  /**
   * The cursor of a Poke that arrived while a pull was outstanding, or null: when the answer
   * comes and does not already cover it, the peer pulls again at once instead of waiting for the
   * interval.
   */
  private Bytes pokedDuringPull;
  private int unanswered;
  private long lastActivity;
  private int idlePulls;
  private int failures;
  private long rtt = 50;
  private boolean rttMeasured;
  private Scheduler.Cancellable pushTimer;
  private Scheduler.Cancellable pullTimer;
  private Scheduler.Cancellable answerTimer;
  private Scheduler.Cancellable reconnectTimer;
  private Scheduler.Cancellable pingTimer;
  private long heartbeatMillis;
  /** The pending count last reported to the listener. */
  private int reportedPending;

  private record InFlight(long id, Delta delta, List<Change> changes) {}

  /** A push prepared but not sent: its changes and the version vector it may claim. */
  private record Outgoing(List<Change> changes, VersionVector claim) {}

  private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
  private int payloadBudget = BinaryProtocol.DEFAULT_MAX_FRAME_BYTES;

  PeerSync(String name, SyncManager manager, Connector connector, CursorMode mode,
      SchedulePolicy policy, Bytes cursor) {
    this.name = name;
    this.cursor = cursor;
    this.manager = manager;
    this.connector = connector;
    this.mode = mode;
    this.policy = policy;
  }

  PeerStatus status() {
    return status;
  }

  int pendingCount() {
    int n = pending.size() + (inFlight == null ? 0 : inFlight.changes().size());
    for (Outgoing o : outbox) {
      n += o.changes().size();
    }
    return n;
  }

  long rttMillis() {
    return rtt;
  }

  Bytes cursor() {
    return mode == CursorMode.SERVER ? cursor : Cursors.versionVector(manager.store.versionVector());
  }

  private SchedulePolicy.PeerStats stats() {
    return new SchedulePolicy.PeerStats(
        manager.scheduler.nowMillis(), lastActivity, idlePulls, failures, rtt);
  }

  private void status(PeerStatus s) {
    if (status == PeerStatus.CLOSED) {
      throw new IllegalStateException("Peer " + name + " is closed; it cannot become " + s + ".");
    }
    if (status != s) {
      status = s;
      manager.listener.onStatus(name, s);
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  void connect() {
    if (status == PeerStatus.CLOSED) {
      return;
    }
    reconnectTimer = null;
    status(PeerStatus.CONNECTING);
    try {
      channel = new ProtocolChannel(connector.connect(), manager.scheduler, manager.identity, this);
      channel.start(helloCursor());
    } catch (RuntimeException e) {
      String reason = "Could not connect: " + e.getMessage();
      manager.listener.onError(name, reason);
      channel = null;
      disconnected(reason, null);
      return;
    }
    armAnswerTimer();
  }

  void close() {
    if (status == PeerStatus.CLOSED) {
      return;
    }
    cancelTimers();
    if (reconnectTimer != null) {
      reconnectTimer.cancel();
    }
    ProtocolChannel c = channel;
    channel = null;
    status(PeerStatus.CLOSED);
    if (c != null) {
      c.close("The sync manager is closing.");
    }
  }

  /** The cursor to pull with; a version vector too large for a cursor field means "all". */
  private Bytes helloCursor() {
    Bytes c = cursor();
    return c.size() <= BinaryProtocol.MAX_CURSOR_BYTES ? c : Bytes.EMPTY;
  }

  /**
   * Forgets the session. What was in flight or prepared goes back to the pending changes, so
   * the pending count stays truthful while offline (the next session's first push recomputes
   * it from the store anyway).
   */
  private void disconnected(String reason, ErrorCode error) {
    cancelTimers();
    channel = null;
    if (inFlight != null) {
      requeue(inFlight.changes());
      inFlight = null;
    }
    for (Outgoing o : outbox) {
      requeue(o.changes());
    }
    outbox.clear();
    bootstrapped = false;
    refusedThisSession = false;
    pullOutstanding = false;
    pokedDuringPull = null;
    unanswered = 0;
    if (status == PeerStatus.CLOSED) {
      return;
    }
    failures++;
    reportPending();
    manager.listener.onDisconnected(
        name, reason != null ? reason : "The connection closed.", error);
    status(PeerStatus.OFFLINE);
    reconnectTimer = manager.scheduler.schedule(this::connect, policy.reconnectDelayMillis(stats()));
  }

  private void cancelTimers() {
    for (Scheduler.Cancellable t :
        new Scheduler.Cancellable[] {pushTimer, pullTimer, answerTimer, pingTimer}) {
      if (t != null) {
        t.cancel();
      }
    }
    pushTimer = pullTimer = answerTimer = pingTimer = null;
  }

  // ---- local changes -----------------------------------------------------------------------

  /** Adds collapsed local changes and schedules a push after the policy's debounce. */
  void addPending(List<Change> changes) {
    requeue(changes);
    lastActivity = manager.scheduler.nowMillis();
    if (pushTimer == null && channel != null && channel.isOpen()) {
      pushTimer = manager.scheduler.schedule(this::pushTimerFired, policy.pushDelayMillis(stats()));
    }
    reportPending();
  }

  /** Pushes what is pending and pulls, now. */
  void syncNow() {
    sendPush();
    schedulePull(0);
  }

  /** Adds {@code changes} to the pending ones, keeping the newest stamp of each cell. */
  private void requeue(List<Change> changes) {
    for (Change c : changes) {
      pending.merge(key(c), c, (a, b) -> b.stamp().compareTo(a.stamp()) >= 0 ? b : a);
    }
  }

  /** Tells the listener the pending count if it changed since it was last told. */
  private void reportPending() {
    int n = pendingCount();
    if (n != reportedPending) {
      reportedPending = n;
      manager.listener.onPending(name, n);
    }
  }

  private static Object key(Change c) {
    return c instanceof CellChange cc ? List.of(cc.table(), cc.row(), cc.cell())
        : List.of(((ValueChange) c).id());
  }

  private void pushTimerFired() {
    pushTimer = null;
    sendPush();
  }

  /**
   * Sends the next push if none is in flight: the next prepared one, or else everything pending,
   * sorted by stamp and split to fit a frame. Each part claims the newest stamp it holds, which
   * is sound because the parts before it (with all older stamps) were acknowledged first.
   */
  private void sendPush() {
    if (inFlight != null || !bootstrapped || channel == null || !channel.isOpen()) {
      return;
    }
    if (outbox.isEmpty() && !pending.isEmpty()) {
      List<Change> changes = new ArrayList<>(pending.values());
      pending.clear();
      changes.sort(Comparator.comparing(Change::stamp));
      for (List<Change> part : PayloadChunks.split(manager.store.replicaId(), changes, payloadBudget)) {
        Stamp newest = part.get(part.size() - 1).stamp();
        outbox.add(new Outgoing(part, VersionVector.of(Map.of(manager.store.clientId(), newest))));
      }
    }
    Outgoing next = outbox.poll();
    if (next != null) {
      VersionVector claim = refusedThisSession ? VersionVector.EMPTY : next.claim();
      send(new InFlight(nextPushId++,
          Delta.of(manager.store.replicaId(), claim, next.changes()), next.changes()));
    }
  }

  private void send(InFlight push) {
    inFlight = push;
    try {
      channel.push(push.id(), push.delta());
    } catch (ProtocolException e) {
      inFlight = null;
      manager.listener.onRefused(name, push.changes(), ErrorCode.REFUSED_TOO_LARGE,
          "Not sent: " + e.getMessage());
      reportPending();
      sendPush();
      return;
    }
    armAnswerTimer();
  }

  // ---- pulls ------------------------------------------------------------------------------

  private void schedulePull(long delay) {
    if (pullTimer != null) {
      pullTimer.cancel();
    }
    pullTimer = manager.scheduler.schedule(this::pull, delay);
  }

  private void pull() {
    pullTimer = null;
    if (channel == null || !channel.isOpen()) {
      return;
    }
    channel.pull(helloCursor());
    pullOutstanding = true;
    armAnswerTimer();
  }

  // ---- answers ----------------------------------------------------------------------------

  private void armAnswerTimer() {
    if (answerTimer != null) {
      answerTimer.cancel();
    }
    answerTimer = manager.scheduler.schedule(this::answerTimedOut, policy.answerTimeoutMillis(stats()));
  }

  private void answerTimedOut() {
    answerTimer = null;
    if (channel == null) {
      return;
    }
    if (++unanswered >= MAX_UNANSWERED || !channel.isOpen()) {
      channel.close("The peer did not answer " + unanswered + " times in a row.");
      return;
    }
    if (inFlight != null) {
      channel.push(inFlight.id(), inFlight.delta());
    }
    if (pullOutstanding || !bootstrapped) {
      channel.pull(helloCursor());
      pullOutstanding = true;
    }
    channel.ping();
    armAnswerTimer();
  }

  private void answered() {
    unanswered = 0;
    if (inFlight == null && !pullOutstanding && answerTimer != null) {
      answerTimer.cancel();
      answerTimer = null;
    }
  }

  @Override
  public void onOpen(Message.Welcome welcome) {
    failures = 0;
    unanswered = 0;
    status(PeerStatus.ONLINE);
    pullOutstanding = true; // the hub answers the Hello's cursor with Changes
    channel.ping();
    armAnswerTimer();
    heartbeatMillis = welcome.limits().heartbeatMillis();
    payloadBudget = PayloadChunks.budget(welcome.encoding(), welcome.limits().maxFrameBytes(), 0);
    scheduleHeartbeat();
  }

  /** Pings every {@code heartbeatMillis} while open, so the server knows the client is alive. */
  private void scheduleHeartbeat() {
    if (heartbeatMillis > 0) {
      pingTimer = manager.scheduler.schedule(() -> {
        if (channel != null && channel.isOpen()) {
          channel.ping();
          scheduleHeartbeat();
        }
      }, heartbeatMillis);
    }
  }

  @Override
  public void onChanges(Delta delta, Bytes newCursor, boolean more) {
    try {
      manager.store.applyDelta(delta);
    } catch (SynclineException e) {
      manager.listener.onError(name, "Could not merge changes: " + e.getMessage());
      channel.close("Could not merge changes.");
      return;
    }
    if (!delta.isEmpty()) {
      lastActivity = manager.scheduler.nowMillis();
      idlePulls = 0;
    } else if (!more) {
      idlePulls++;
    }
    if (more) {
      return;
    }
    if (mode == CursorMode.SERVER) {
      cursor = newCursor;
    }
    pullOutstanding = false;
    if (!bootstrapped) {
      bootstrap(delta.version());
    }
    answered();
    Bytes poke = pokedDuringPull;
    pokedDuringPull = null;
    if (poke != null && !covers(newCursor, poke)) {
      schedulePull(0);
    } else {
      schedulePull(policy.pullDelayMillis(stats()));
    }
  }

  /**
   * True if an answer with cursor {@code answer} already holds what a Poke with cursor {@code
   * poke} announced: both are sequence cursors of the same incarnation and the answer's sequence
   * is at least the poke's. Anything else (version-vector cursors, another epoch, unparseable
   * cursors) is treated as not covered, which costs at most one extra pull.
   */
  private static boolean covers(Bytes answer, Bytes poke) {
    try {
      Cursors.Parsed a = Cursors.parse(answer, "Changes.cursor");
      Cursors.Parsed p = Cursors.parse(poke, "Poke.cursor");
      return a.isSequence() && p.isSequence() && a.epoch() == p.epoch()
          && a.sequence() >= p.sequence();
    } catch (ProtocolException e) {
      return false;
    }
  }

  /**
   * Queues, ahead of everything else, a complete delta of what the peer may lack, in parts that
   * fit a frame; only the last part claims the store's version vector, and it is sent only once
   * the others are acknowledged.
   */
  private void bootstrap(VersionVector peerVersion) {
    bootstrapped = true;
    manager.drainTailer();
    pending.clear();
    outbox.clear();
    Delta full = manager.store.deltaSince(peerVersion);
    if (!full.isEmpty()) {
      if (full.encode().length <= payloadBudget) {
        outbox.add(new Outgoing(full.changes(), full.version()));
      } else {
        List<List<Change>> parts =
            PayloadChunks.split(manager.store.replicaId(), full.changes(), payloadBudget);
        for (int i = 0; i < parts.size(); i++) {
          boolean last = i == parts.size() - 1;
          outbox.add(new Outgoing(parts.get(i), last ? full.version() : VersionVector.EMPTY));
        }
      }
    }
    reportPending();
    sendPush();
  }

  @Override
  public void onAck(List<Long> ids, Bytes ackCursor) {
    if (inFlight != null && ids.contains(inFlight.id())) {
      inFlight = null;
      lastActivity = manager.scheduler.nowMillis();
      answered();
      reportPending();
      sendPush();
    }
  }

  @Override
  public void onRefuse(List<Long> ids, ErrorCode code, String message) {
    if (inFlight != null && ids.contains(inFlight.id())) {
      List<Change> refused = inFlight.changes();
      inFlight = null;
      refusedThisSession = true;
      answered();
      manager.listener.onRefused(name, refused, code, message);
      reportPending();
      sendPush();
    }
  }

  @Override
  public void onPoke(Bytes pokeCursor) {
    if (mode == CursorMode.SERVER && pokeCursor.equals(cursor)) {
      return;
    }
    lastActivity = manager.scheduler.nowMillis();
    idlePulls = 0;
    if (pullOutstanding) {
      pokedDuringPull = pokeCursor;
    } else {
      schedulePull(0);
    }
  }

  @Override
  public void onRoundTrip(long millis) {
    rtt = rttMeasured ? (7 * rtt + millis) / 8 : millis;
    rttMeasured = true;
  }

  @Override
  public void onClose(String reason, ErrorCode error) {
    if (error != null) {
      manager.listener.onError(name, "Session closed with " + error + ": " + reason);
    }
    disconnected(reason, error);
  }
}

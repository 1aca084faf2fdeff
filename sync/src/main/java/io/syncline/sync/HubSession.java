package io.syncline.sync;

import io.syncline.core.Change;
import io.syncline.core.Changeset;
import io.syncline.core.ClockSkewException;
import io.syncline.core.CorruptDataException;
import io.syncline.core.Delta;
import io.syncline.core.SchemaViolationException;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.FrameCodec;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.ProtocolException;
import io.syncline.sync.transport.Connection;
import java.util.List;

/**
 * One peer connected to a {@link SyncHub}: the server half of a session. Confined to the hub's
 * scheduler thread.
 */
final class HubSession {
  private enum State { AWAITING_HELLO, OPEN, CLOSED }

  private final SyncHub hub;
  private final Connection connection;
  private FrameCodec codec;
  private State state = State.AWAITING_HELLO;
  private String replicaId = "?";
  private long lastHeard;
  private Scheduler.Cancellable idleTimer;
  private Scheduler.Cancellable handshakeTimer;
  /** True once poked, until the next pull: at most one Poke per session between two Pulls. */
  private boolean pokedSincePull;
  /** The hub sequence number the last pull's answer covered; -1 before the first. */
  private long answeredSequence = -1;

  HubSession(SyncHub hub, Connection connection) {
    this.hub = hub;
    this.connection = connection;
    this.codec = new BinaryCodec(hub.limits.maxFrameBytes());
  }

  void start() {
    lastHeard = hub.scheduler.nowMillis();
    scheduleIdleCheck();
    if (hub.handshakeTimeoutMillis > 0) {
      handshakeTimer = hub.scheduler.schedule(() -> {
        if (state == State.AWAITING_HELLO) {
          fail(ErrorCode.TIMEOUT, "No valid Hello within " + hub.handshakeTimeoutMillis
              + " ms of connecting.");
        }
      }, hub.handshakeTimeoutMillis);
    }
    connection.start(new Connection.FrameHandler() {
      @Override
      public void onFrame(byte[] frame) {
        hub.scheduler.schedule(() -> receive(frame), 0);
      }

      @Override
      public void onClose(String reason) {
        hub.scheduler.schedule(() -> closed(), 0);
      }
    });
  }

  /**
   * Pokes the peer unless it was poked since its last pull, or its last pull's answer already
   * covers every change so far. The second condition matters: a change merged just before a
   * pull is answered is in that answer, and a Poke for it would be ignored by the client while
   * the hub, believing the session poked, would not poke it for the next change either.
   */
  void poke() {
    if (state == State.OPEN && !pokedSincePull && hub.sequence() > answeredSequence) {
      pokedSincePull = true;
      send(new Message.Poke(hub.cursor()));
    }
  }

  void shutDown() {
    if (state == State.OPEN) {
      send(new Message.Bye("The hub is shutting down."));
    }
    connection.close("The hub is shutting down.");
    closed();
  }

  /**
   * Closes a session silent for longer than the hub's idle timeout (by default three heartbeats;
   * a client pings every heartbeat); the check runs every third of the timeout.
   */
  private void scheduleIdleCheck() {
    long limit = hub.idleTimeoutMillis;
    if (limit == 0) {
      return;
    }
    idleTimer = hub.scheduler.schedule(() -> {
      if (state == State.CLOSED) {
        return;
      }
      if (hub.scheduler.nowMillis() - lastHeard > limit) {
        fail(ErrorCode.TIMEOUT, "Nothing heard from " + replicaId + " for over "
            + limit + " ms.");
      } else {
        scheduleIdleCheck();
      }
    }, Math.max(1, limit / 3));
  }

  private void receive(byte[] frame) {
    if (state == State.CLOSED) {
      return;
    }
    lastHeard = hub.scheduler.nowMillis();
    try {
      handle(codec.decode(frame));
    } catch (ProtocolException e) {
      fail(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      fail(ErrorCode.INTERNAL, "The hub failed on a " + codecName() + " frame from " + replicaId
          + ": " + e);
    }
  }

  private void handle(Message m) {
    if (state == State.AWAITING_HELLO) {
      switch (m.type()) {
        case HELLO -> hello((Message.Hello) m);
        case PING -> pong((Message.Ping) m);
        case BYE, ERROR -> closeQuietly();
        default -> throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE,
            m.type().jsonName() + " arrived before the Hello.");
      }
      return;
    }
    switch (m.type()) {
      case PUSH -> push((Message.Push) m);
      case PULL -> pull(((Message.Pull) m).cursor(), "Pull.cursor");
      case PING -> pong((Message.Ping) m);
      case PONG -> { } // this side does not ping yet; a stray Pong is harmless
      case BYE -> closeQuietly();
      case ERROR -> {
        if (((Message.Error) m).fatal()) {
          closeQuietly();
        }
      }
      case HELLO -> throw new ProtocolException(
          ErrorCode.UNEXPECTED_MESSAGE, "A second Hello arrived in session of " + replicaId + ".");
      case WELCOME, ACK, REFUSE, CHANGES, POKE -> throw new ProtocolException(
          ErrorCode.UNEXPECTED_MESSAGE, m.type().jsonName() + " is sent by servers only.");
    }
  }

  private void hello(Message.Hello h) {
    int version = Math.min(h.maxVersion(), BinaryProtocol.MAX_VERSION);
    if (version < Math.max(h.minVersion(), BinaryProtocol.MIN_VERSION)) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "Hello offers versions "
          + h.minVersion() + " to " + h.maxVersion() + "; this server speaks "
          + BinaryProtocol.MIN_VERSION + " to " + BinaryProtocol.MAX_VERSION + ".");
    }
    Encoding encoding = h.encodings().stream().filter(hub.encodings::contains).findFirst()
        .orElseThrow(() -> new ProtocolException(ErrorCode.UNSUPPORTED_ENCODING,
            "Hello.encodings " + h.encodings() + " has none of " + hub.encodings + "."));
    if (!h.storeId().equals(hub.storeId)) {
      throw new ProtocolException(
          ErrorCode.UNKNOWN_STORE, "Hello.storeId \"" + h.storeId() + "\" is not served here.");
    }
    ErrorCode auth = hub.authenticator.check(h.storeId(), h.replicaId(), h.token());
    if (auth != null) {
      throw new ProtocolException(auth, "Hello.token does not grant replica \"" + h.replicaId()
          + "\" access to store \"" + h.storeId() + "\".");
    }
    Cursors.parse(h.cursor(), "Hello.cursor");
    replicaId = h.replicaId();
    send(new Message.Welcome(version, encoding, hub.store.replicaId(), hub.limits));
    codec = FrameCodec.of(encoding, hub.limits.maxFrameBytes());
    state = State.OPEN;
    if (handshakeTimer != null) {
      handshakeTimer.cancel();
    }
    pull(h.cursor(), "Hello.cursor");
  }

  private void push(Message.Push p) {
    byte[] payload = p.payload().toByteArray();
    try {
      switch (p.format()) {
        case DELTA -> {
          Delta d = Delta.decode(payload);
          hub.applyFor(this, () -> hub.store.applyDelta(d));
        }
        case CHANGESET -> {
          Changeset c = Changeset.decode(payload);
          hub.applyFor(this, () -> hub.store.applyChangeset(c));
        }
      }
    } catch (CorruptDataException e) {
      refuse(p, ErrorCode.REFUSED_INVALID, "Push.payload is not a valid " + p.format().jsonName()
          + ": " + e.getMessage());
      return;
    } catch (SchemaViolationException e) {
      refuse(p, ErrorCode.REFUSED_SCHEMA, e.getMessage());
      return;
    } catch (ClockSkewException e) {
      refuse(p, ErrorCode.REFUSED_CLOCK_SKEW, e.getMessage());
      return;
    }
    send(new Message.Ack(List.of(p.id()), hub.cursor()));
  }

  private void refuse(Message.Push p, ErrorCode code, String message) {
    send(new Message.Refuse(List.of(p.id()), code, Message.fitText(message)));
  }

  /**
   * Answers a pull. A delta too big for one frame goes out in parts: every part but the last
   * carries an empty version vector and the request's cursor, and the last the store's version
   * vector and the new cursor (sound on transports that lose nothing within a connection, as
   * WebSocket and HTTP do; see {@code docs/protocol.md}).
   */
  private void pull(Bytes requestCursor, String field) {
    SyncHub.Answer a = hub.answer(Cursors.parse(requestCursor, field));
    pokedSincePull = false;
    answeredSequence = a.covers();
    Delta d = a.delta();
    int budget = PayloadChunks.budget(codec.encoding(), hub.limits.maxFrameBytes(),
        Math.max(requestCursor.size(), a.cursor().size()));
    byte[] whole = d.encode();
    if (whole.length <= budget) {
      send(new Message.Changes(Bytes.of(whole), a.cursor(), false));
      return;
    }
    List<List<Change>> parts = PayloadChunks.split(d.source(), d.changes(), budget);
    for (int i = 0; i < parts.size(); i++) {
      boolean last = i == parts.size() - 1;
      Delta part = Delta.of(d.source(), last ? d.version() : VersionVector.EMPTY, parts.get(i));
      try {
        send(new Message.Changes(
            Bytes.of(part.encode()), last ? a.cursor() : requestCursor, !last));
      } catch (ProtocolException e) {
        send(new Message.Error(ErrorCode.INTERNAL, Message.fitText("A single cell is larger "
            + "than one frame and cannot be sent: " + e.getMessage()), true));
        closeQuietly();
        return;
      }
    }
  }

  private void pong(Message.Ping p) {
    send(new Message.Pong(p.nonce(), p.sentAtMillis(), hub.scheduler.nowMillis()));
  }

  private String codecName() {
    return codec.encoding().jsonName();
  }

  private void send(Message m) {
    connection.send(codec.encode(m));
  }

  private void fail(ErrorCode code, String message) {
    try {
      send(new Message.Error(code, Message.fitText(message), true));
    } finally {
      closeQuietly();
    }
  }

  private void closeQuietly() {
    connection.close("closed by the hub");
    closed();
  }

  private void closed() {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      if (idleTimer != null) {
        idleTimer.cancel();
      }
      if (handshakeTimer != null) {
        handshakeTimer.cancel();
      }
      hub.removed(this);
    }
  }
}

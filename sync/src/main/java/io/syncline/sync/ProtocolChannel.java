package io.syncline.sync;

import io.syncline.core.CorruptDataException;
import io.syncline.core.Delta;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.FrameCodec;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.MessageType;
import io.syncline.sync.protocol.PayloadFormat;
import io.syncline.sync.protocol.ProtocolException;
import io.syncline.sync.transport.Connection;
import java.util.List;

/**
 * A {@link Channel} speaking the wire protocol over a {@link Connection}: it sends the Hello on
 * {@link #start}, switches to the negotiated encoding on the Welcome, and turns frames into
 * listener calls. A malformed frame from the peer is answered with a fatal Error and a close.
 *
 * <p>Thread-safety: confined to the scheduler's thread; frames from the connection are handed
 * over to that thread before they are read.
 */
public final class ProtocolChannel implements Channel {
  /** What the client says about itself in its Hello. */
  public record Identity(String storeId, String replicaId, String token, List<Encoding> encodings) {
    public Identity {
      encodings = List.copyOf(encodings);
    }
  }

  private enum State { NEW, HELLO_SENT, OPEN, CLOSED }

  private final Connection connection;
  private final Scheduler scheduler;
  private final Identity identity;
  private final Listener listener;
  private FrameCodec codec = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
  private State state = State.NEW;
  private long nextNonce = 1;

  public ProtocolChannel(
      Connection connection, Scheduler scheduler, Identity identity, Listener listener) {
    this.connection = connection;
    this.scheduler = scheduler;
    this.identity = identity;
    this.listener = listener;
  }

  /** Starts the connection and sends the Hello with {@code cursor}. */
  public void start(Bytes cursor) {
    if (state != State.NEW) {
      throw new IllegalStateException("ProtocolChannel was already started.");
    }
    connection.start(new Connection.FrameHandler() {
      @Override
      public void onFrame(byte[] frame) {
        scheduler.schedule(() -> receive(frame), 0);
      }

      @Override
      public void onClose(String reason) {
        scheduler.schedule(() -> closed(reason, null), 0);
      }
    });
    state = State.HELLO_SENT;
    send(new Message.Hello(BinaryProtocol.MIN_VERSION, BinaryProtocol.MAX_VERSION,
        identity.storeId(), identity.replicaId(), identity.token(), identity.encodings(), cursor));
  }

  @Override
  public void push(long id, Delta changes) {
    requireOpen("push");
    send(new Message.Push(id, PayloadFormat.DELTA, Bytes.of(changes.encode())));
  }

  @Override
  public void pull(Bytes cursor) {
    requireOpen("pull");
    send(new Message.Pull(cursor));
  }

  @Override
  public void ping() {
    requireOpen("ping");
    send(new Message.Ping(nextNonce++, scheduler.nowMillis()));
  }

  @Override
  public void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPEN) {
      send(new Message.Bye(Message.fitText(reason)));
    }
    connection.close(reason);
    closed(reason, null);
  }

  @Override
  public boolean isOpen() {
    return state == State.OPEN;
  }

  private void requireOpen(String what) {
    if (state != State.OPEN) {
      throw new IllegalStateException("Cannot " + what + " on a channel that is " + state + ".");
    }
  }

  private void send(Message m) {
    connection.send(codec.encode(m));
  }

  private void receive(byte[] frame) {
    if (state == State.CLOSED) {
      return;
    }
    try {
      dispatch(codec.decode(frame));
    } catch (ProtocolException e) {
      fail(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      fail(ErrorCode.INTERNAL, "The client failed handling a frame: " + e);
    }
  }

  private void dispatch(Message m) {
    if (state == State.HELLO_SENT && m.type() != MessageType.WELCOME
        && m.type() != MessageType.ERROR && m.type() != MessageType.BYE
        && m.type() != MessageType.PONG) {
      throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE,
          m.type().jsonName() + " arrived before the Welcome.");
    }
    switch (m.type()) {
      case WELCOME -> welcome((Message.Welcome) m);
      case ACK -> listener.onAck(((Message.Ack) m).ids(), ((Message.Ack) m).cursor());
      case REFUSE -> {
        Message.Refuse r = (Message.Refuse) m;
        listener.onRefuse(r.ids(), r.errorCode(), r.message());
      }
      case CHANGES -> changes((Message.Changes) m);
      case POKE -> listener.onPoke(((Message.Poke) m).cursor());
      case PING -> {
        Message.Ping p = (Message.Ping) m;
        send(new Message.Pong(p.nonce(), p.sentAtMillis(), scheduler.nowMillis()));
      }
      case PONG -> listener.onRoundTrip(
          Math.max(0, scheduler.nowMillis() - ((Message.Pong) m).pingSentAtMillis()));
      case ERROR -> {
        Message.Error e = (Message.Error) m;
        if (e.fatal()) {
          connection.close(e.message());
          closed(e.message(), e.errorCode());
        }
      }
      case BYE -> {
        connection.close(((Message.Bye) m).reason());
        closed(((Message.Bye) m).reason(), null);
      }
      case HELLO, PUSH, PULL -> throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE,
          m.type().jsonName() + " is sent by clients, and this side is the client.");
    }
  }

  private void welcome(Message.Welcome w) {
    if (state != State.HELLO_SENT) {
      throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "A second Welcome arrived.");
    }
    if (w.version() < BinaryProtocol.MIN_VERSION || w.version() > BinaryProtocol.MAX_VERSION
        || !identity.encodings().contains(w.encoding())) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, "Welcome chose version " + w.version()
          + " and encoding " + w.encoding() + ", outside what the Hello offered.");
    }
    codec = FrameCodec.of(w.encoding(), w.limits().maxFrameBytes());
    state = State.OPEN;
    listener.onOpen(w);
  }

  private void changes(Message.Changes c) {
    Delta delta;
    try {
      delta = Delta.decode(c.delta().toByteArray());
      delta.size(); // validates the change block here, so a bad one is this protocol error
    } catch (CorruptDataException e) {
      throw new ProtocolException(
          ErrorCode.BAD_PAYLOAD, "Changes.delta is not a valid delta: " + e.getMessage(), e);
    }
    listener.onChanges(delta, c.cursor(), c.more());
  }

  private void fail(ErrorCode code, String message) {
    if (state == State.CLOSED) {
      return;
    }
    connection.send(codec.encode(new Message.Error(code, Message.fitText(message), true)));
    connection.close(message);
    closed(message, code);
  }

  private void closed(String reason, ErrorCode error) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    listener.onClose(reason, error);
  }
}

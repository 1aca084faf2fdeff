package io.syncline.sync.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link Encoding#JSON} codec, for debugging: one UTF-8 JSON object per frame, its
 * {@code "type"} member naming the message, the other members named as the record components,
 * byte fields (payloads, cursors) in standard base64. Decoding is strict: every member must be
 * present with the right JSON type, and no other member may appear.
 */
public final class JsonCodec implements FrameCodec {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final int maxFrameBytes;

  public JsonCodec(int maxFrameBytes) {
    if (maxFrameBytes < 1 || maxFrameBytes > BinaryProtocol.MAX_FRAME_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be between 1 and " + BinaryProtocol.MAX_FRAME_BYTES + ", was "
              + maxFrameBytes + ".");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public Encoding encoding() {
    return Encoding.JSON;
  }

  @Override
  public byte[] encode(Message message) {
    byte[] frame;
    try {
      frame = MAPPER.writeValueAsBytes(toJson(message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write a JSON " + message.type() + ".", e);
    }
    if (frame.length > maxFrameBytes) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE,
          message.type().jsonName() + " JSON frame is " + frame.length
              + " bytes, over the limit of " + maxFrameBytes + ".");
    }
    return frame;
  }

  @Override
  public Message decode(byte[] frame) {
    if (frame.length > maxFrameBytes) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE,
          "JSON frame is " + frame.length + " bytes, over the limit of " + maxFrameBytes + ".");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(frame);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.MALFORMED, "frame is not valid JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.MALFORMED, "frame is not valid JSON.", e);
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(ErrorCode.MALFORMED, "frame is not a JSON object.");
    }
    Reader in = new Reader((ObjectNode) root);
    String typeName = in.text("type", 32);
    MessageType type = MessageType.ofJsonName(typeName);
    if (type == null) {
      throw new ProtocolException(
          ErrorCode.UNKNOWN_TYPE, "type \"" + typeName + "\" is not a known message.");
    }
    Message m;
    try {
      m = fromJson(type, in);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(ErrorCode.INVALID_FIELD, e.getMessage(), e);
    }
    in.requireNoOthers(type);
    return m;
  }

  private static Message fromJson(MessageType type, Reader in) {
    String p = capitalised(type) + ".";
    return switch (type) {
      case HELLO -> new Message.Hello(
          in.int32(p + "minVersion"), in.int32(p + "maxVersion"),
          in.text(p + "storeId", BinaryProtocol.MAX_ID_BYTES),
          in.text(p + "replicaId", BinaryProtocol.MAX_ID_BYTES),
          in.text(p + "token", BinaryProtocol.MAX_TOKEN_BYTES),
          encodings(in, p + "encodings"),
          in.base64(p + "cursor", BinaryProtocol.MAX_CURSOR_BYTES));
      case WELCOME -> {
        int version = in.int32(p + "version");
        String name = in.text(p + "encoding", 32);
        Encoding encoding = Encoding.ofJsonName(name);
        if (encoding == null) {
          throw new ProtocolException(
              ErrorCode.UNSUPPORTED_ENCODING, p + "encoding \"" + name + "\" is not known.");
        }
        yield new Message.Welcome(version, encoding, in.text(p + "replicaId",
            BinaryProtocol.MAX_ID_BYTES), new SessionLimits(in.int32(p + "maxFrameBytes"),
            in.int32(p + "maxInFlightPushes"), in.int32(p + "heartbeatMillis")));
      }
      case PUSH -> {
        long id = in.int64(p + "id");
        String name = in.text(p + "format", 32);
        PayloadFormat format = PayloadFormat.ofJsonName(name);
        if (format == null) {
          throw new ProtocolException(
              ErrorCode.MALFORMED, p + "format \"" + name + "\" is not known.");
        }
        yield new Message.Push(id, format, in.base64(p + "payload", Integer.MAX_VALUE));
      }
      case ACK -> new Message.Ack(
          in.ids(p + "ids"), in.base64(p + "cursor", BinaryProtocol.MAX_CURSOR_BYTES));
      case REFUSE -> new Message.Refuse(in.ids(p + "ids"), in.int32(p + "code"),
          in.text(p + "message", BinaryProtocol.MAX_TEXT_BYTES));
      case PULL -> new Message.Pull(in.base64(p + "cursor", BinaryProtocol.MAX_CURSOR_BYTES));
      case CHANGES -> new Message.Changes(in.base64(p + "delta", Integer.MAX_VALUE),
          in.base64(p + "cursor", BinaryProtocol.MAX_CURSOR_BYTES), in.bool(p + "more"));
      case POKE -> new Message.Poke(in.base64(p + "cursor", BinaryProtocol.MAX_CURSOR_BYTES));
      case PING -> new Message.Ping(in.int64(p + "nonce"), in.int64(p + "sentAtMillis"));
      case PONG -> new Message.Pong(in.int64(p + "nonce"), in.int64(p + "pingSentAtMillis"),
          in.int64(p + "sentAtMillis"));
      case ERROR -> new Message.Error(in.int32(p + "code"),
          in.text(p + "message", BinaryProtocol.MAX_TEXT_BYTES), in.bool(p + "fatal"));
      case BYE -> new Message.Bye(in.text(p + "reason", BinaryProtocol.MAX_TEXT_BYTES));
    };
  }

  private static List<Encoding> encodings(Reader in, String field) {
    ArrayNode array = in.array(field, BinaryProtocol.MAX_ENCODINGS);
    List<Encoding> out = new ArrayList<>();
    for (JsonNode n : array) {
      Encoding e = n.isTextual() ? Encoding.ofJsonName(n.textValue()) : null;
      if (e != null) {
        out.add(e); // unknown encodings from newer clients are skipped, not errors
      }
    }
    if (out.isEmpty()) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_ENCODING, field + " names no encoding this peer knows.");
    }
    return out;
  }

  private static ObjectNode toJson(Message message) {
    ObjectNode o = NODES.objectNode();
    o.put("type", message.type().jsonName());
    switch (message.type()) {
      case HELLO -> {
        Message.Hello m = (Message.Hello) message;
        o.put("minVersion", m.minVersion()).put("maxVersion", m.maxVersion())
            .put("storeId", m.storeId()).put("replicaId", m.replicaId()).put("token", m.token());
        ArrayNode encodings = o.putArray("encodings");
        m.encodings().forEach(e -> encodings.add(e.jsonName()));
        o.put("cursor", m.cursor().base64());
      }
      case WELCOME -> {
        Message.Welcome m = (Message.Welcome) message;
        o.put("version", m.version()).put("encoding", m.encoding().jsonName())
            .put("replicaId", m.replicaId())
            .put("maxFrameBytes", m.limits().maxFrameBytes())
            .put("maxInFlightPushes", m.limits().maxInFlightPushes())
            .put("heartbeatMillis", m.limits().heartbeatMillis());
      }
      case PUSH -> {
        Message.Push m = (Message.Push) message;
        o.put("id", m.id()).put("format", m.format().jsonName())
            .put("payload", m.payload().base64());
      }
      case ACK -> {
        Message.Ack m = (Message.Ack) message;
        m.ids().forEach(o.putArray("ids")::add);
        o.put("cursor", m.cursor().base64());
      }
      case REFUSE -> {
        Message.Refuse m = (Message.Refuse) message;
        m.ids().forEach(o.putArray("ids")::add);
        o.put("code", m.code()).put("message", m.message());
      }
      case PULL -> o.put("cursor", ((Message.Pull) message).cursor().base64());
      case CHANGES -> {
        Message.Changes m = (Message.Changes) message;
        o.put("delta", m.delta().base64()).put("cursor", m.cursor().base64())
            .put("more", m.more());
      }
      case POKE -> o.put("cursor", ((Message.Poke) message).cursor().base64());
      case PING -> {
        Message.Ping m = (Message.Ping) message;
        o.put("nonce", m.nonce()).put("sentAtMillis", m.sentAtMillis());
      }
      case PONG -> {
        Message.Pong m = (Message.Pong) message;
        o.put("nonce", m.nonce()).put("pingSentAtMillis", m.pingSentAtMillis())
            .put("sentAtMillis", m.sentAtMillis());
      }
      case ERROR -> {
        Message.Error m = (Message.Error) message;
        o.put("code", m.code()).put("message", m.message()).put("fatal", m.fatal());
      }
      case BYE -> o.put("reason", ((Message.Bye) message).reason());
    }
    return o;
  }

  private static String capitalised(MessageType type) {
    String n = type.jsonName();
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** Typed, strict access to the members of one JSON object; remembers what was read. */
  private static final class Reader {
    private final ObjectNode object;
    private final Set<String> read = new TreeSet<>();

    Reader(ObjectNode object) {
      this.object = object;
    }

    private JsonNode get(String field) {
      String name = field.substring(field.indexOf('.') + 1);
      read.add(name);
      JsonNode n = object.get(name);
      if (n == null || n.isNull()) {
        throw new ProtocolException(ErrorCode.MALFORMED, field + " is missing.");
      }
      return n;
    }

    private static ProtocolException wrongType(String field, String expected) {
      return new ProtocolException(ErrorCode.MALFORMED, field + " is not " + expected + ".");
    }

    String text(String field, int maxBytes) {
      JsonNode n = get(field);
      if (!n.isTextual()) {
        throw wrongType(field, "a string");
      }
      String s = n.textValue();
      if (s.length() > maxBytes) { // each UTF-16 unit is at least one UTF-8 byte
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
            field + " is over the limit of " + maxBytes + " bytes.");
      }
      return s;
    }

    long int64(String field) {
      JsonNode n = get(field);
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw wrongType(field, "an integer in the 64-bit range");
      }
      return n.longValue();
    }

    int int32(String field) {
      JsonNode n = get(field);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw wrongType(field, "an integer in the 32-bit range");
      }
      return n.intValue();
    }

    boolean bool(String field) {
      JsonNode n = get(field);
      if (!n.isBoolean()) {
        throw wrongType(field, "true or false");
      }
      return n.booleanValue();
    }

    Bytes base64(String field, int maxBytes) {
      String s = text(field, (int) Math.min(Integer.MAX_VALUE, 4L * ((maxBytes + 2L) / 3)));
      try {
        Bytes b = Bytes.wrap(Base64.getDecoder().decode(s));
        if (b.size() > maxBytes) {
          throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
              field + " is " + b.size() + " bytes, over the limit of " + maxBytes + ".");
        }
        return b;
      } catch (IllegalArgumentException e) {
        throw new ProtocolException(ErrorCode.MALFORMED, field + " is not valid base64.", e);
      }
    }

    ArrayNode array(String field, int maxItems) {
      JsonNode n = get(field);
      if (!n.isArray()) {
        throw wrongType(field, "an array");
      }
      if (n.size() > maxItems) {
        throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
            field + " holds " + n.size() + " items, over the limit of " + maxItems + ".");
      }
      return (ArrayNode) n;
    }

    List<Long> ids(String field) {
      ArrayNode array = array(field, BinaryProtocol.MAX_IDS);
      List<Long> ids = new ArrayList<>(array.size());
      for (JsonNode n : array) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
          throw wrongType(field + " element", "an integer in the 64-bit range");
        }
        ids.add(n.longValue());
      }
      return ids;
    }

    void requireNoOthers(MessageType type) {
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!read.contains(name)) {
          throw new ProtocolException(ErrorCode.MALFORMED,
              type.jsonName() + " has an unexpected member \"" + name + "\".");
        }
      }
    }
  }
}

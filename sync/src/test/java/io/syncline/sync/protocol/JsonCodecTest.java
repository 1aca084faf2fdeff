package io.syncline.sync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  private final JsonCodec codec = new JsonCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);

  private Message decode(String json) {
    return codec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private ProtocolException decodeFails(String json) {
    try {
      decode(json);
    } catch (ProtocolException e) {
      return e;
    }
    throw new AssertionError("decoding " + json + " did not fail");
  }

  @Test
  void everyMessageRoundTrips() {
    for (Message m : SampleMessages.all()) {
      assertThat(codec.decode(codec.encode(m))).as(m.toString()).isEqualTo(m);
    }
  }

  @Test
  void pushMatchesTheDocumentedExample() {
    Message push =
        new Message.Push(300, PayloadFormat.CHANGESET, Bytes.of(new byte[] {(byte) 0xCA, (byte) 0xFE}));
    String json = new String(codec.encode(push), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"type\":\"push\",\"id\":300,\"format\":\"changeset\","
        + "\"payload\":\"yv4=\"}");
    assertThat(decode(json)).isEqualTo(push);
  }

  @Test
  void helloIsReadFromHandWrittenJson() {
    Message m = decode("{\"type\":\"hello\",\"minVersion\":1,\"maxVersion\":1,"
        + "\"storeId\":\"todo\",\"replicaId\":\"alice\",\"token\":\"\","
        + "\"encodings\":[\"json\",\"carrier-pigeon\"],\"cursor\":\"\"}");
    assertThat(m).isEqualTo(new Message.Hello(1, 1, "todo", "alice", "",
        List.of(Encoding.JSON), Bytes.EMPTY));
  }

  @Test
  void missingWrongTypedExtraAndDuplicateMembersAreRejected() {
    assertThat(decodeFails("{\"type\":\"pull\"}")).hasMessageContaining("Pull.cursor is missing");
    assertThat(decodeFails("{\"type\":\"ping\",\"nonce\":\"1\",\"sentAtMillis\":1}"))
        .hasMessageContaining("Ping.nonce");
    assertThat(decodeFails("{\"type\":\"ping\",\"nonce\":1.5,\"sentAtMillis\":1}"))
        .hasMessageContaining("Ping.nonce");
    assertThat(decodeFails("{\"type\":\"bye\",\"reason\":\"\",\"extra\":1}"))
        .hasMessageContaining("extra");
    assertThat(decodeFails("{\"type\":\"bye\",\"reason\":\"\",\"reason\":\"x\"}").code())
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(decodeFails("{\"type\":\"ping\",\"nonce\":99999999999999999999,"
        + "\"sentAtMillis\":1}")).hasMessageContaining("Ping.nonce");
  }

  @Test
  void badBase64AndUnknownTypeAndNonObjectsAreRejected() {
    assertThat(decodeFails("{\"type\":\"pull\",\"cursor\":\"!!\"}"))
        .hasMessageContaining("Pull.cursor is not valid base64");
    assertThat(decodeFails("{\"type\":\"teleport\"}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    assertThat(decodeFails("[1,2]").code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(decodeFails("").code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(decodeFails("{\"type\":").code()).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void invalidValuesBecomeInvalidField() {
    ProtocolException e = decodeFails("{\"type\":\"ack\",\"ids\":[],\"cursor\":\"\"}");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e).hasMessageContaining("Ack.ids");
    assertThat(decodeFails("{\"type\":\"push\",\"id\":-1,\"format\":\"delta\",\"payload\":\"AA==\"}"))
        .hasMessageContaining("Push.id");
  }

  @Test
  void oversizedFramesAreRejectedBothWays() {
    JsonCodec small = new JsonCodec(1 << 14);
    assertThat(decodeFails2(small, new byte[(1 << 14) + 1]).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThatThrownBy(() -> small.encode(
        new Message.Push(1, PayloadFormat.DELTA, Bytes.of(new byte[1 << 14]))))
        .isInstanceOf(ProtocolException.class);
  }

  private static ProtocolException decodeFails2(JsonCodec codec, byte[] frame) {
    try {
      codec.decode(frame);
    } catch (ProtocolException e) {
      return e;
    }
    throw new AssertionError("did not fail");
  }
}

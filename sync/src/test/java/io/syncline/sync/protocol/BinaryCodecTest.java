package io.syncline.sync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryCodecTest {
  private final BinaryCodec codec = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  private static ProtocolException decodeFails(BinaryCodec codec, byte[] frame) {
    try {
      codec.decode(frame);
    } catch (ProtocolException e) {
      return e;
    }
    throw new AssertionError("decoding " + HexFormat.of().formatHex(frame) + " did not fail");
  }

  @Test
  void everyMessageRoundTrips() {
    for (Message m : SampleMessages.all()) {
      assertThat(codec.decode(codec.encode(m))).as(m.toString()).isEqualTo(m);
    }
  }

  @Test
  void streamOfFramesRoundTripsAndEndsCleanly() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryWriter writer = new BinaryWriter(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
    for (Message m : SampleMessages.all()) {
      writer.write(out, m);
    }
    BinaryReader reader = new BinaryReader(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    for (Message m : SampleMessages.all()) {
      assertThat(reader.read(in)).isEqualTo(m);
    }
    assertThat(reader.read(in)).isNull();
  }

  /** The example in docs/protocol.md, byte for byte. */
  @Test
  void helloMatchesTheDocumentedExample() {
    Message hello = new Message.Hello(1, 1, "todo", "alice", "tok",
        List.of(Encoding.BINARY, Encoding.JSON), Bytes.of(new byte[] {0x01, 0x2A}));
    byte[] expected = hex("01 1b 53594e4c 01 01 04 746f646f 05 616c696365 03 746f6b"
        + " 02 01 02 02 012a");
    assertThat(codec.encode(hello)).isEqualTo(expected);
    assertThat(codec.decode(expected)).isEqualTo(hello);
  }

  @Test
  void pushAndAckMatchTheDocumentedExamples() {
    assertThat(codec.encode(new Message.Push(300, PayloadFormat.CHANGESET,
        Bytes.of(new byte[] {(byte) 0xCA, (byte) 0xFE}))))
        .isEqualTo(hex("03 06 ac02 01 02 cafe"));
    assertThat(codec.encode(new Message.Ack(List.of(299L, 300L), Bytes.of(new byte[] {7}))))
        .isEqualTo(hex("04 07 02 ab02 ac02 01 07"));
    assertThat(codec.encode(new Message.Welcome(1, Encoding.BINARY, "server",
        SessionLimits.DEFAULT))).isEqualTo(hex("02 0f 01 01 06 736572766572 808040 10 9875"));
    assertThat(codec.encode(new Message.Error(ErrorCode.TRUNCATED, "x", true)))
        .isEqualTo(hex("0b 04 02 01 01 78"));
    assertThat(codec.encode(new Message.Bye(""))).isEqualTo(hex("0c 01 00"));
    assertThat(codec.encode(new Message.Ping(1, 2)))
        .isEqualTo(hex("09 10 0000000000000001 0000000000000002"));
  }

  @Test
  void unknownTypeIsRejectedWithItsByte() {
    ProtocolException e = decodeFails(codec, hex("7f 00"));
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    assertThat(e).hasMessageContaining("0x7F");
  }

  @Test
  void oversizedFrameIsRejectedBeforeReadingTheBody() throws IOException {
    BinaryReader reader = new BinaryReader(1 << 14);
    // declares 16 MiB, provides nothing: must fail on the length, not try to read or allocate
    byte[] header = hex("03 80808008");
    assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(header)))
        .isInstanceOfSatisfying(ProtocolException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    assertThat(decodeFails(new BinaryCodec(1 << 14), header).code())
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
  }

  @Test
  void hugeCountIsRejectedBeforeAllocating() {
    // Ack with ids.count = 4096 but only 1 byte of ids present
    ProtocolException e = decodeFails(codec, hex("04 04 8020 01 00"));
    assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED);
    assertThat(e).hasMessageContaining("Ack.ids");
    ProtocolException over = decodeFails(codec, hex("04 04 8120 01 00"));
    assertThat(over.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
  }

  @Test
  void longIdIsRejectedNamingTheField() {
    byte[] longId = new byte[300];
    java.util.Arrays.fill(longId, (byte) 'a');
    Message.Pull pull = new Message.Pull(Bytes.EMPTY);
    byte[] frame = codec.encode(pull);
    assertThat(frame).isEqualTo(hex("06 01 00"));
    // Hello whose storeId declares 300 bytes
    ProtocolException e = decodeFails(codec, hex("01 0a 53594e4c 01 01 ac02 61 61"));
    assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThat(e).hasMessageContaining("Hello.storeId");
  }

  @Test
  void truncatedFieldIsNamed() {
    ProtocolException e = decodeFails(codec, hex("09 04 00000000"));
    assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED);
    assertThat(e).hasMessageContaining("Ping.nonce");
  }

  @Test
  void frameLengthDisagreeingWithTheBytesIsRejected() {
    assertThat(decodeFails(codec, hex("06 05 00")).code()).isEqualTo(ErrorCode.TRUNCATED);
    assertThat(decodeFails(codec, hex("06 01 00 00")).code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(decodeFails(codec, hex("06 02 00 00")).code()).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void nonMinimalVarintAndBadBooleanAndBadUtf8AreMalformed() {
    assertThat(decodeFails(codec, hex("06 02 8000"))).hasMessageContaining("minimal");
    assertThat(decodeFails(codec, hex("0b 03 01 02 00")))
        .hasMessageContaining("Error.fatal");
    ProtocolException utf8 = decodeFails(codec, hex("0c 02 01 ff"));
    assertThat(utf8.code()).isEqualTo(ErrorCode.MALFORMED);
    assertThat(utf8).hasMessageContaining("Bye.reason");
  }

  @Test
  void invalidValuesBecomeInvalidField() {
    // Hello with an empty storeId
    ProtocolException e =
        decodeFails(codec, hex("01 0d 53594e4c 01 01 00 01 61 00 01 01 00"));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e).hasMessageContaining("Hello.storeId");
    // Hello with a wrong magic
    assertThat(decodeFails(codec, hex("01 0e 53594e4d 01 01 01 73 01 61 00 01 01 00")))
        .hasMessageContaining("Hello.magic");
  }

  @Test
  void helloWithOnlyUnknownEncodingsIsUnsupported() {
    ProtocolException e =
        decodeFails(codec, hex("01 0e 53594e4c 01 01 01 73 01 61 00 01 09 00"));
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ENCODING);
  }

  @Test
  void writerRefusesFramesOverItsLimit() {
    BinaryCodec small = new BinaryCodec(1 << 14);
    Message big = new Message.Push(1, PayloadFormat.DELTA, Bytes.of(new byte[1 << 14]));
    assertThatThrownBy(() -> small.encode(big))
        .isInstanceOfSatisfying(ProtocolException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void truncatedStreamIsReportedNotTreatedAsEnd() {
    BinaryReader reader = new BinaryReader(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);
    byte[] frame = codec.encode(new Message.Ping(1, 2));
    for (int cut = 1; cut < frame.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(frame, cut);
      assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(part)))
          .isInstanceOfSatisfying(ProtocolException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED));
    }
  }
}

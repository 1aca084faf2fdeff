package io.syncline.sync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameStreamTest {
  private static final BinaryCodec CODEC = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);

  private static void assertRejected(byte[] body, int limit, ErrorCode code, String mentions) {
    assertThatThrownBy(() -> FrameStream.split(body, limit))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(mentions);
  }

  @Test
  void joinedFramesSplitBackIntoTheSameFrames() {
    List<byte[]> frames = List.of(CODEC.encode(new Message.Pull(Bytes.EMPTY)),
        CODEC.encode(new Message.Ping(1, 2)), CODEC.encode(new Message.Bye("")));
    List<byte[]> back = FrameStream.split(FrameStream.join(frames), 1 << 20);
    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.get(i)).isEqualTo(frames.get(i));
    }
    assertThat(FrameStream.split(new byte[0], 1 << 20)).isEmpty();
  }

  @Test
  void frameCutShortIsTruncated() {
    assertRejected(new byte[] {0x06, 0x03, 0x00}, 1 << 20, ErrorCode.TRUNCATED, "Frame 0 says 3");
    assertRejected(new byte[] {0x0c, 0x01, 0x00, 0x06}, 1 << 20, ErrorCode.TRUNCATED,
        "inside the length of frame 1");
  }

  @Test
  void nonMinimalLengthIsMalformed() {
    assertRejected(new byte[] {0x06, (byte) 0x81, 0x00, 0x00}, 1 << 20, ErrorCode.MALFORMED,
        "not a minimal varint");
  }

  @Test
  void lengthOverTheLimitIsTooLargeBeforeAnythingIsRead() {
    assertRejected(new byte[] {0x03, (byte) 0x81, 0x01}, 128, ErrorCode.FRAME_TOO_LARGE,
        "129 bytes, over the limit of 128");
    byte[] huge = {0x03, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    assertRejected(huge, 1 << 20, ErrorCode.FRAME_TOO_LARGE, "frame 0");
  }
}

package io.syncline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.sync.protocol.FrameStream;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.ErrorCode;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.ProtocolException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HTTP body framing: frames back to back, checked before anything is allocated. */
class FrameStreamTest {
  private static final BinaryCodec CODEC = new BinaryCodec(1 << 20);

  @Test
  void joinedFramesSplitBackIntoTheSameFrames() {
    List<byte[]> frames = List.of(
        CODEC.encode(new Message.Ping(1, 2)),
        CODEC.encode(new Message.Pull(Bytes.of(new byte[300]))),
        CODEC.encode(new Message.Bye("")));
    List<byte[]> back = FrameStream.split(FrameStream.join(frames), 1 << 20);
    assertThat(back).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(back.get(i)).isEqualTo(frames.get(i));
      CODEC.decode(back.get(i));
    }
  }

  @Test
  void emptyBodyHasNoFrames() {
    assertThat(FrameStream.split(new byte[0], 100)).isEmpty();
  }

  @Test
  void bodyEndingInsideAFrameIsTruncated() {
    assertCode(new byte[] {0x09}, ErrorCode.TRUNCATED);
    assertCode(new byte[] {0x09, (byte) 0x80}, ErrorCode.TRUNCATED);
    assertCode(new byte[] {0x09, 0x10, 0x00}, ErrorCode.TRUNCATED);
  }

  @Test
  void nonMinimalLengthIsMalformed() {
    assertCode(new byte[] {0x0C, (byte) 0x81, 0x00, 0x00}, ErrorCode.MALFORMED);
  }

  @Test
  void frameOverTheLimitIsRefusedBeforeItsBodyIsRead() {
    assertCode(new byte[] {0x03, (byte) 0xE9, 0x07}, ErrorCode.FRAME_TOO_LARGE); // 1001 > 1000
    assertCode(new byte[] {0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, 0x01}, ErrorCode.FRAME_TOO_LARGE);
  }

  @Test
  void randomBytesNeverThrowAnythingButProtocolException() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int i = 0; i < 10_000; i++) {
      byte[] body = new byte[random.nextInt(12)];
      random.nextBytes(body);
      try {
        FrameStream.split(body, 1000);
      } catch (ProtocolException expected) {
        assertThat(expected.getMessage()).as("seed " + seed).isNotBlank();
      }
    }
  }

  private static void assertCode(byte[] body, ErrorCode code) {
    assertThatThrownBy(() -> FrameStream.split(body, 1000))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}

package io.syncline.sync.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames must decode or throw {@link ProtocolException}, quickly, and never
 * anything else. Seeds are printed on failure so a run can be replayed.
 */
class CodecFuzzTest {
  private static final int ROUNDS = Integer.getInteger("syncline.fuzzRounds", 8_000);

  private final long seed = Long.getLong("syncline.seed", System.nanoTime());
  private final Random random = new Random(seed);
  private final List<FrameCodec> codecs = List.of(
      new BinaryCodec(1 << 16), new JsonCodec(1 << 16));

  @Test
  void randomBytesNeverEscapeAsAnythingButProtocolException() {
    for (int i = 0; i < ROUNDS; i++) {
      byte[] frame = new byte[random.nextInt(64)];
      random.nextBytes(frame);
      if (frame.length > 0 && random.nextBoolean()) {
        frame[0] = (byte) (1 + random.nextInt(12)); // a valid type byte reaches the body parsers
      }
      for (FrameCodec codec : codecs) {
        tryDecode(codec, frame);
      }
    }
  }

  @Test
  void mutatedValidFramesNeverEscapeAsAnythingButProtocolException() throws IOException {
    List<Message> samples = SampleMessages.all();
    BinaryReader streamReader = new BinaryReader(1 << 16);
    for (int i = 0; i < ROUNDS; i++) {
      Message m = samples.get(random.nextInt(samples.size()));
      for (FrameCodec codec : codecs) {
        byte[] frame = codec.encode(m);
        byte[] mutated = mutate(frame);
        Message decoded = tryDecode(codec, mutated);
        if (decoded != null) {
          // whatever decodes must re-encode to a frame that decodes to the same message
          assertThat(codec.decode(codec.encode(decoded))).as(replay(mutated)).isEqualTo(decoded);
        }
      }
      byte[] mutated = mutate(codecs.get(0).encode(m));
      try {
        streamReader.read(new ByteArrayInputStream(mutated));
      } catch (ProtocolException expected) {
        // fine
      } catch (RuntimeException e) {
        throw new AssertionError(replay(mutated), e);
      }
    }
  }

  private byte[] mutate(byte[] frame) {
    byte[] out = frame.clone();
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      switch (random.nextInt(3)) {
        case 0 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
        default -> {
          out = java.util.Arrays.copyOf(out, out.length + 1 + random.nextInt(4));
          out[out.length - 1] = (byte) random.nextInt(256);
        }
      }
      if (out.length == 0) {
        break;
      }
    }
    return out;
  }

  private Message tryDecode(FrameCodec codec, byte[] frame) {
    try {
      return codec.decode(frame);
    } catch (ProtocolException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      assertThat(expected.code()).isNotNull();
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError(codec.encoding() + " " + replay(frame), e);
    }
  }

  private String replay(byte[] frame) {
    return "frame " + HexFormat.of().formatHex(frame) + " (replay with -Dsyncline.seed=" + seed
        + ")";
  }
}

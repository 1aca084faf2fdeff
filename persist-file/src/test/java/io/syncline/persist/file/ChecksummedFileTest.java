package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.syncline.persist.file.CorruptFileException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksummedFileTest {
  static final String FORMAT = "syncline-test";
  static final byte[] BODY = "hello, durable world \u00e9\u4e16".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  final FileSystem fs = FileSystem.SYSTEM;

  static SecretKey key(int seed) {
    byte[] bytes = new byte[32];
    new Random(seed).nextBytes(bytes);
    return new SecretKeySpec(bytes, "AES");
  }

  private ChecksummedFile.Contents read(Path file, KeyProvider keys) throws IOException {
    return ChecksummedFile.read(fs, file, FORMAT, 1, 3, keys);
  }

  @Test
  void plainRoundTrip() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 2, BODY);
    ChecksummedFile.Contents contents = read(file, null);
    assertThat(contents.body()).isEqualTo(BODY);
    assertThat(contents.version()).isEqualTo(2);
    assertThat(contents.keyId()).isNull();
    ChecksummedFile.verify(fs, file);
  }

  @Test
  void emptyBodyRoundTrips() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, new byte[0]);
    assertThat(read(file, null).body()).isEmpty();
  }

  @Test
  void encryptedRoundTripRecordsTheKeyIdAndHidesThePlaintext() throws IOException {
    Path file = dir.resolve("f");
    KeyProvider keys = KeyProvider.single("k1", key(1));
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "k1", keys);
    byte[] raw = Files.readAllBytes(file);
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("durable world");
    ChecksummedFile.Contents contents = read(file, keys);
    assertThat(contents.body()).isEqualTo(BODY);
    assertThat(contents.keyId()).isEqualTo("k1");
  }

  @Test
  void everyWriteUsesAFreshNonce() throws IOException {
    KeyProvider keys = KeyProvider.single("k1", key(1));
    ChecksummedFile.write(fs, dir.resolve("a"), FORMAT, 1, BODY, "k1", keys);
    ChecksummedFile.write(fs, dir.resolve("b"), FORMAT, 1, BODY, "k1", keys);
    assertThat(Files.readAllBytes(dir.resolve("a")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("b")));
  }

  @Test
  void wrongKeyIsReportedAsWrongKeyNeverAsData() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "k1", KeyProvider.single("k1", key(1)));
    WrongKeyException e = (WrongKeyException) catchThrowable(
        () -> read(file, KeyProvider.single("k1", key(2))));
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.keyId()).isEqualTo("k1");
    assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("k1");
  }

  @Test
  void unknownKeyIdAndMissingProviderAreWrongKey() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "k1", KeyProvider.single("k1", key(1)));
    assertThatThrownBy(() -> read(file, KeyProvider.single("k2", key(1))))
        .isInstanceOf(WrongKeyException.class).hasMessageContaining("knows no key");
    assertThatThrownBy(() -> read(file, null))
        .isInstanceOf(WrongKeyException.class).hasMessageContaining("no KeyProvider");
  }

  @Test
  void rotatedKeysReadOldFiles() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "old", KeyProvider.single("old", key(1)));
    KeyProvider rotated = KeyProvider.of(Map.of("old", key(1), "new", key(2)), k -> "new");
    assertThat(read(file, rotated).body()).isEqualTo(BODY);
  }

  @Test
  void rejectsAKeyThatIsNotAes256() {
    KeyProvider weak = KeyProvider.single("k", new SecretKeySpec(new byte[16], "AES"));
    assertThatThrownBy(
            () -> ChecksummedFile.write(fs, dir.resolve("f"), FORMAT, 1, BODY, "k", weak))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256-bit");
  }

  @Test
  void zeroLengthFile() throws IOException {
    Path file = dir.resolve("f");
    Files.write(file, new byte[0]);
    assertCorrupt(file, Reason.ZERO_LENGTH);
  }

  @Test
  void wrongMagic() throws IOException {
    Path file = dir.resolve("f");
    Files.writeString(file, "{\"json\": \"not a syncline file\"}");
    assertCorrupt(file, Reason.WRONG_MAGIC);
  }

  @Test
  void tooNewAndTooOldVersions() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 4, BODY);
    CorruptFileException e = assertCorrupt(file, Reason.UNSUPPORTED_VERSION);
    assertThat(e).hasMessageContaining("version 4 is newer");
    ChecksummedFile.write(fs, file, FORMAT, 0, BODY);
    assertCorrupt(file, Reason.UNSUPPORTED_VERSION);
  }

  @Test
  void otherFormat() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, "something-else", 1, BODY);
    assertCorrupt(file, Reason.WRONG_FORMAT);
  }

  @Test
  void everyTruncationIsDetected() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "k", KeyProvider.single("k", key(1)));
    byte[] whole = Files.readAllBytes(file);
    for (int length = 0; length < whole.length; length++) {
      Files.write(file, Arrays.copyOf(whole, length));
      Throwable t = catchThrowable(() -> read(file, KeyProvider.single("k", key(1))));
      assertThat(t).as("truncated to %d bytes", length).isInstanceOf(CorruptFileException.class);
      assertThat(((CorruptFileException) t).file()).isEqualTo(file);
    }
  }

  @Test
  void everySingleBitFlipIsDetected() throws IOException {
    for (boolean encrypted : new boolean[] {false, true}) {
      Path file = dir.resolve("f" + encrypted);
      KeyProvider keys = KeyProvider.single("k", key(1));
      ChecksummedFile.write(fs, file, FORMAT, 1, BODY, encrypted ? "k" : null, keys);
      byte[] whole = Files.readAllBytes(file);
      for (int bit = 0; bit < whole.length * 8; bit++) {
        byte[] flipped = whole.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        Files.write(file, flipped);
        Throwable t = catchThrowable(() -> read(file, keys));
        assertThat(t).as("bit %d flipped (encrypted=%s)", bit, encrypted)
            .isInstanceOf(CorruptFileException.class);
      }
    }
  }

  @Test
  void verifyDetectsDamageWithoutAKey() throws IOException {
    Path file = dir.resolve("f");
    ChecksummedFile.write(fs, file, FORMAT, 1, BODY, "k", KeyProvider.single("k", key(1)));
    ChecksummedFile.verify(fs, file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    assertThatThrownBy(() -> ChecksummedFile.verify(fs, file))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("CRC32C");
  }

  @Test
  void missingFileIsNoSuchFile() {
    assertThatThrownBy(() -> read(dir.resolve("absent"), null))
        .isInstanceOf(NoSuchFileException.class);
  }

  private CorruptFileException assertCorrupt(Path file, Reason reason) {
    Throwable t = catchThrowable(() -> read(file, null));
    assertThat(t).isInstanceOf(CorruptFileException.class).hasMessageContaining(file.toString());
    CorruptFileException e = (CorruptFileException) t;
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.file()).isEqualTo(file);
    return e;
  }

  // --- atomicity under injected faults -------------------------------------------------------

  @Test
  void aFailedWriteLeavesTheOldContents() throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem();
    Path file = dir.resolve("f");
    ChecksummedFile.write(faulty, file, FORMAT, 1, "old".getBytes(StandardCharsets.UTF_8));
    faulty.failWrite(1);
    assertThatThrownBy(() -> ChecksummedFile.write(faulty, file, FORMAT, 1, BODY))
        .isInstanceOf(IOException.class);
    assertThat(ChecksummedFile.read(faulty, file, FORMAT, 1, 1, null).body()).asString()
        .isEqualTo("old");
    assertThat(Files.list(dir).count()).as("no temporary file is left behind").isEqualTo(1);
  }

  @Test
  void aTornWriteThenPowerLossLeavesTheOldContents() throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem();
    Path file = dir.resolve("f");
    ChecksummedFile.write(faulty, file, FORMAT, 1, "old".getBytes(StandardCharsets.UTF_8));
    faulty.tearWrite(1, 10);
    assertThatThrownBy(() -> ChecksummedFile.write(faulty, file, FORMAT, 1, BODY))
        .isInstanceOf(IOException.class);
    faulty.crash(null);
    assertThat(ChecksummedFile.read(faulty, file, FORMAT, 1, 1, null).body()).asString()
        .isEqualTo("old");
  }

  @Test
  void aCompletedWriteSurvivesPowerLoss() throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem();
    Path file = dir.resolve("f");
    ChecksummedFile.write(faulty, file, FORMAT, 1, "old".getBytes(StandardCharsets.UTF_8));
    ChecksummedFile.write(faulty, file, FORMAT, 1, BODY);
    faulty.crash(new Random(1));
    assertThat(ChecksummedFile.read(faulty, file, FORMAT, 1, 1, null).body()).isEqualTo(BODY);
  }

  @Test
  void powerLossAtAnyFsyncLeavesOldOrNewNeverCorrupt() throws IOException {
    for (int failAt = 1; failAt <= 3; failAt++) {
      FaultInjectingFileSystem faulty = new FaultInjectingFileSystem();
      Path file = dir.resolve("f" + failAt);
      ChecksummedFile.write(faulty, file, FORMAT, 1, "old".getBytes(StandardCharsets.UTF_8));
      faulty.failForce(failAt);
      try {
        ChecksummedFile.write(faulty, file, FORMAT, 1, BODY);
      } catch (IOException expected) {
        // the crash happens "during" the write
      }
      faulty.crash(new Random(failAt));
      byte[] body = ChecksummedFile.read(faulty, file, FORMAT, 1, 1, null).body();
      assertThat(new String(body, StandardCharsets.UTF_8)).isIn("old",
          new String(BODY, StandardCharsets.UTF_8));
    }
  }
}

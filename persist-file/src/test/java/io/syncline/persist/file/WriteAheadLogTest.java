package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.syncline.persist.file.WriteAheadLog.Durability;
import io.syncline.persist.file.internal.WalFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriteAheadLogTest {
  @TempDir Path dir;
  final FaultInjectingFileSystem fs = new FaultInjectingFileSystem();

  WriteAheadLog open(Durability durability) throws IOException {
    return WriteAheadLog.builder(dir).fileSystem(fs).durability(durability).open();
  }

  static byte[] rec(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> replay(WriteAheadLog log) throws IOException {
    List<String> out = new ArrayList<>();
    log.replay((position, record) -> out.add(new String(record, StandardCharsets.UTF_8)));
    return out;
  }

  Path onlySegment() throws IOException {
    List<Path> segments = segments();
    assertThat(segments).hasSize(1);
    return segments.get(0);
  }

  List<Path> segments() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : FileSystem.SYSTEM.list(dir)) {
      if (WalFormat.parseSegmentBase(p) >= 0) {
        out.add(p);
      }
    }
    return out;
  }

  @Test
  void appendsReplayInOrderAcrossReopen() throws IOException {
    List<Long> positions = new ArrayList<>();
    try (WriteAheadLog log = open(Durability.BATCHED)) {
      for (int i = 0; i < 100; i++) {
        positions.add(log.append(rec("r" + i)));
      }
      assertThat(positions).isSorted().doesNotHaveDuplicates();
    }
    try (WriteAheadLog log = open(Durability.BATCHED)) {
      List<Long> replayed = new ArrayList<>();
      List<String> records = new ArrayList<>();
      log.replay((position, record) -> {
        replayed.add(position);
        records.add(new String(record, StandardCharsets.UTF_8));
      });
      assertThat(replayed).isEqualTo(positions);
      assertThat(records).hasSize(100).startsWith("r0", "r1").endsWith("r99");
      assertThat(log.droppedBytesAtOpen()).isZero();
      log.append(rec("after reopen"));
      assertThat(replay(log)).hasSize(101).endsWith("after reopen");
    }
  }

  @Test
  void emptyRecordsAndLargeRecordsRoundTrip() throws IOException {
    byte[] large = new byte[300_000];
    new java.util.Random(3).nextBytes(large);
    try (WriteAheadLog log = open(Durability.NONE)) {
      log.append(new byte[0]);
      log.append(large);
    }
    try (WriteAheadLog log = open(Durability.NONE)) {
      List<byte[]> records = new ArrayList<>();
      log.replay((p, r) -> records.add(r));
      assertThat(records).hasSize(2);
      assertThat(records.get(0)).isEmpty();
      assertThat(records.get(1)).isEqualTo(large);
    }
  }

  @Test
  void recordsOverTheLimitAreRefused() throws IOException {
    try (WriteAheadLog log = WriteAheadLog.builder(dir).maxRecordSize(10).open()) {
      assertThatThrownBy(() -> log.append(new byte[11]))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordSize");
    }
  }

  @Test
  void rollsSegmentsAndTruncateBeforeDeletesThem() throws IOException {
    List<Long> positions = new ArrayList<>();
    try (WriteAheadLog log = WriteAheadLog.builder(dir).fileSystem(fs).segmentSize(1024)
        .durability(Durability.NONE).open()) {
      for (int i = 0; i < 200; i++) {
        positions.add(log.append(rec("record number " + i)));
      }
      assertThat(log.segmentCount()).isGreaterThan(3);
      assertThat(replay(log)).hasSize(200);
      log.truncateBefore(positions.get(150));
      assertThat(replay(log)).hasSize(50).startsWith("record number 150");
      assertThat(segments().size()).isEqualTo(log.segmentCount()).isLessThan(4);
    }
    try (WriteAheadLog log = WriteAheadLog.builder(dir).fileSystem(fs).segmentSize(1024).open()) {
      assertThat(log.checkpointPosition()).isEqualTo(positions.get(150));
      assertThat(replay(log)).hasSize(50).startsWith("record number 150")
          .endsWith("record number 199");
    }
  }

  @Test
  void truncateBeforeEndLeavesAnEmptyReplay() throws IOException {
    try (WriteAheadLog log = open(Durability.SYNC)) {
      log.append(rec("a"));
      log.truncateBefore(log.endPosition());
      assertThat(replay(log)).isEmpty();
      assertThatThrownBy(() -> log.truncateBefore(log.endPosition() + 1))
          .isInstanceOf(IllegalArgumentException.class);
      log.append(rec("b"));
    }
    try (WriteAheadLog log = open(Durability.SYNC)) {
      assertThat(replay(log)).containsExactly("b");
    }
  }

  @Test
  void tornTailIsCutAndCounted() throws IOException {
    try (WriteAheadLog log = open(Durability.SYNC)) {
      log.append(rec("kept-1"));
      log.append(rec("kept-2"));
      log.append(rec("torn-record"));
    }
    Path segment = onlySegment();
    long size = Files.size(segment);
    try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
      raf.setLength(size - 3);
    }
    try (WriteAheadLog log = open(Durability.SYNC)) {
      assertThat(log.droppedBytesAtOpen()).isEqualTo(8 + "torn-record".length() - 3);
      assertThat(replay(log)).containsExactly("kept-1", "kept-2");
      log.append(rec("next"));
    }
    try (WriteAheadLog log = open(Durability.SYNC)) {
      assertThat(log.droppedBytesAtOpen()).isZero();
      assertThat(replay(log)).containsExactly("kept-1", "kept-2", "next");
    }
  }

  @Test
  void zeroFilledTailIsCut() throws IOException {
    try (WriteAheadLog log = open(Durability.SYNC)) {
      log.append(rec("kept"));
    }
    Path segment = onlySegment();
    Files.write(segment, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
    try (WriteAheadLog log = open(Durability.SYNC)) {
      assertThat(log.droppedBytesAtOpen()).isEqualTo(4096);
      assertThat(replay(log)).containsExactly("kept");
    }
  }

  @Test
  void bitFlipInTheLastRecordIsCut() throws IOException {
    try (WriteAheadLog log = open(Durability.SYNC)) {
      log.append(rec("kept"));
      log.append(rec("flipped"));
    }
    Path segment = onlySegment();
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 2] ^= 0x01;
    Files.write(segment, bytes);
    try (WriteAheadLog log = open(Durability.SYNC)) {
      assertThat(log.droppedBytesAtOpen()).isEqualTo(8 + "flipped".length());
      assertThat(replay(log)).containsExactly("kept");
    }
  }

  @Test
  void damageInAnEarlierSegmentFailsTheOpenNamingFileAndOffset() throws IOException {
    try (WriteAheadLog log = WriteAheadLog.builder(dir).segmentSize(1024).open()) {
      for (int i = 0; i < 100; i++) {
        log.append(rec("record number " + i));
      }
    }
    Path first = segments().get(0);
    byte[] bytes = Files.readAllBytes(first);
    int offset = WalFormat.HEADER_LENGTH + 8 + 2; // inside the first record's payload
    bytes[offset] ^= 0x40;
    Files.write(first, bytes);
    Throwable t = catchThrowable(() -> WriteAheadLog.builder(dir).segmentSize(1024).open());
    assertThat(t).isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(first.toString())
        .hasMessageContaining("offset " + WalFormat.HEADER_LENGTH);
    assertThat(((CorruptFileException) t).reason())
        .isEqualTo(CorruptFileException.Reason.CHECKSUM_MISMATCH);
  }

  @Test
  void foreignSegmentIsRefused() throws IOException {
    try (WriteAheadLog log = open(Durability.SYNC)) {
      log.append(rec("a"));
    }
    Path segment = onlySegment();
    byte[] bytes = Files.readAllBytes(segment);
    // A header with a valid checksum but a newer version.
    java.nio.ByteBuffer header = WalFormat.header(0);
    header.putShort(17, (short) 9);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(header.array(), 0, WalFormat.HEADER_LENGTH - 4);
    header.putInt(WalFormat.HEADER_LENGTH - 4, (int) crc.getValue());
    System.arraycopy(header.array(), 0, bytes, 0, WalFormat.HEADER_LENGTH);
    Files.write(segment, bytes);
    assertThatThrownBy(() -> open(Durability.SYNC)).isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("version 9");
  }

  @Test
  void syncAppendSurvivesPowerLoss() throws IOException {
    WriteAheadLog log = open(Durability.SYNC);
    log.append(rec("acknowledged"));
    fs.crash(null);
    try (WriteAheadLog reopened = open(Durability.SYNC)) {
      assertThat(replay(reopened)).containsExactly("acknowledged");
    }
    closeAbandoned(log);
  }

  @Test
  void noneDurabilityLosesUnsyncedRecordsCleanly() throws IOException {
    WriteAheadLog log = open(Durability.NONE);
    log.append(rec("synced"));
    log.sync();
    log.append(rec("lost"));
    fs.crash(null);
    try (WriteAheadLog reopened = open(Durability.NONE)) {
      assertThat(replay(reopened)).containsExactly("synced");
    }
    closeAbandoned(log);
  }

  @Test
  void batchedRecordsBecomeDurableWithinTheInterval() throws Exception {
    try (WriteAheadLog log = WriteAheadLog.builder(dir).fileSystem(fs)
        .durability(Durability.BATCHED).flushInterval(Duration.ofMillis(2)).open()) {
      log.append(rec("a"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (log.durablePosition() < log.endPosition() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(log.durablePosition()).isEqualTo(log.endPosition());
    }
  }

  @Test
  void groupCommitSharesFsyncsBetweenWriters() throws Exception {
    int threads = 16;
    int perThread = 100;
    try (WriteAheadLog log = open(Durability.SYNC)) {
      long forcesBefore = fs.forceCount();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            long position = log.append(rec(id + ":" + i));
            assertThat(log.durablePosition()).isGreaterThan(position);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(20, TimeUnit.SECONDS);
      }
      pool.shutdown();
      long forces = fs.forceCount() - forcesBefore;
      assertThat(forces).as("fsyncs for %d SYNC appends", threads * perThread)
          .isLessThan(threads * perThread / 2);
      assertThat(replay(log)).hasSize(threads * perThread);
    }
  }

  @Test
  void failedWriteMakesTheLogUnusableAndReopenRecoversSyncedRecords() throws IOException {
    WriteAheadLog log = open(Durability.SYNC);
    log.append(rec("one"));
    fs.failWrite(1);
    assertThatThrownBy(() -> log.append(rec("two"))).isInstanceOf(IOException.class)
        .hasMessageContaining("Cannot append");
    assertThatThrownBy(() -> log.append(rec("three"))).isInstanceOf(IOException.class)
        .hasMessageContaining("must be reopened");
    closeAbandoned(log);
    fs.kill();
    try (WriteAheadLog reopened = open(Durability.SYNC)) {
      assertThat(replay(reopened)).containsExactly("one");
    }
  }

  @Test
  void failedFsyncFailsTheWaitingWriter() throws IOException {
    WriteAheadLog log = open(Durability.SYNC);
    fs.failForce(1);
    assertThatThrownBy(() -> log.append(rec("x"))).isInstanceOf(IOException.class)
        .hasMessageContaining("failed and must be reopened")
        .hasRootCauseMessage("Injected failure of fsync #" + fs.forceCount() + " of "
            + onlySegment());
    closeAbandoned(log);
  }

  @Test
  void tornWriteThenKillIsCutOnReopen() throws IOException {
    WriteAheadLog log = open(Durability.SYNC);
    log.append(rec("whole"));
    fs.tearWrite(1, 6);
    assertThatThrownBy(() -> log.append(rec("half of this is written")))
        .isInstanceOf(IOException.class);
    fs.kill();
    closeAbandoned(log);
    try (WriteAheadLog reopened = open(Durability.SYNC)) {
      assertThat(reopened.droppedBytesAtOpen()).isEqualTo(6);
      assertThat(replay(reopened)).containsExactly("whole");
    }
  }

  @Test
  void segmentTornWhileBeingCreatedIsDropped() throws IOException {
    try (WriteAheadLog log = WriteAheadLog.builder(dir).segmentSize(1024).open()) {
      for (int i = 0; i < 60; i++) {
        log.append(rec("record number " + i));
      }
    }
    List<Path> segments = segments();
    Path last = segments.get(segments.size() - 1);
    int recordsInLast = countRecords(last);
    Files.write(last, new byte[10]);
    try (WriteAheadLog log = WriteAheadLog.builder(dir).segmentSize(1024).open()) {
      assertThat(log.droppedBytesAtOpen()).isEqualTo(10);
      assertThat(replay(log)).hasSize(60 - recordsInLast);
      log.append(rec("continues"));
    }
    try (WriteAheadLog log = WriteAheadLog.builder(dir).segmentSize(1024).open()) {
      assertThat(replay(log)).hasSize(61 - recordsInLast).endsWith("continues");
    }
  }

  private int countRecords(Path segment) throws IOException {
    long base = WalFormat.parseSegmentBase(segment);
    int[] count = {0};
    try (WriteAheadLog log = WriteAheadLog.builder(dir).segmentSize(1024).open()) {
      log.replay((position, record) -> {
        if (position >= base) {
          count[0]++;
        }
      });
    }
    return count[0];
  }

  /** Closes a log whose disk "crashed"; its close may fail, which is expected. */
  static void closeAbandoned(WriteAheadLog log) {
    try {
      log.close();
    } catch (IOException | RuntimeException expected) {
      // the handles died with the simulated crash
    }
  }
}

package io.syncline.persist.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault-injecting file system keeps exactly what a real disk keeps. */
class FaultInjectingFileSystemTest {
  @TempDir Path dir;
  final FaultInjectingFileSystem fs = new FaultInjectingFileSystem();

  private void write(FileSystem.Handle handle, String text, long position) throws IOException {
    handle.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), position);
  }

  @Test
  void crashDropsBytesWrittenAfterTheLastForce() throws IOException {
    Path file = dir.resolve("a");
    try (FileSystem.Handle handle = fs.open(file, true)) {
      write(handle, "durable", 0);
      handle.force();
      fs.syncDirectory(dir);
      write(handle, "-lost", 7);
    }
    fs.crash(null);
    assertThat(Files.readString(file)).isEqualTo("durable");
  }

  @Test
  void crashRemovesAFileWhoseDirectoryWasNeverSynced() throws IOException {
    Path file = dir.resolve("a");
    try (FileSystem.Handle handle = fs.open(file, true)) {
      write(handle, "forced but not linked", 0);
      handle.force();
    }
    fs.crash(null);
    assertThat(Files.exists(file)).isFalse();
  }

  @Test
  void crashUndoesAnUnsyncedRename() throws IOException {
    Path target = dir.resolve("target");
    Files.writeString(target, "old");
    Path temp = dir.resolve("temp");
    try (FileSystem.Handle handle = fs.open(temp, true)) {
      write(handle, "new", 0);
      handle.force();
    }
    fs.atomicMove(temp, target);
    assertThat(Files.readString(target)).isEqualTo("new");
    fs.crash(null);
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(Files.exists(temp)).isFalse();
  }

  @Test
  void syncedRenameSurvivesACrash() throws IOException {
    Path target = dir.resolve("target");
    Files.writeString(target, "old");
    Path temp = dir.resolve("temp");
    try (FileSystem.Handle handle = fs.open(temp, true)) {
      write(handle, "new", 0);
      handle.force();
    }
    fs.atomicMove(temp, target);
    fs.syncDirectory(dir);
    fs.crash(null);
    assertThat(Files.readString(target)).isEqualTo("new");
  }

  @Test
  void crashWithRandomKeepsAPrefixOfTheUnforcedTail() throws IOException {
    Path file = dir.resolve("a");
    try (FileSystem.Handle handle = fs.open(file, true)) {
      write(handle, "0123", 0);
      handle.force();
      fs.syncDirectory(dir);
      write(handle, "456789", 4);
    }
    fs.crash(new java.util.Random(7));
    String survived = Files.readString(file);
    assertThat("0123456789").startsWith(survived);
    assertThat(survived).startsWith("0123");
  }

  @Test
  void failsTheNthWriteAndTearsAnother() throws IOException {
    Path file = dir.resolve("a");
    try (FileSystem.Handle handle = fs.open(file, true)) {
      fs.failWrite(2);
      write(handle, "one", 0);
      assertThatThrownBy(() -> write(handle, "two", 3)).isInstanceOf(IOException.class)
          .hasMessageContaining("Injected failure of write");
      fs.tearWrite(1, 2);
      assertThatThrownBy(() -> write(handle, "three", 3)).hasMessageContaining("torn");
    }
    assertThat(Files.readString(file)).isEqualTo("oneth");
  }

  @Test
  void handlesOpenedBeforeACrashAreDead() throws IOException {
    FileSystem.Handle handle = fs.open(dir.resolve("a"), true);
    fs.kill();
    assertThatThrownBy(() -> write(handle, "x", 0)).hasMessageContaining("Injected crash");
    handle.close();
  }
}

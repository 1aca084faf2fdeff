package io.syncline.persist.file;

import io.syncline.persist.file.internal.SystemFileSystem;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The file operations the persistence layer needs, and nothing more, so tests can substitute a
 * file system that fails, tears or forgets writes (as OkHttp's {@code FileSystem} and H2's
 * {@code FilePath} do).
 *
 * <p>Durability contract, which every implementation and every caller relies on: bytes written
 * to a file survive a power loss only after {@link Handle#force()} on that file returned; a
 * created, renamed or deleted directory entry survives only after {@link #syncDirectory} on its
 * parent returned.
 *
 * <p>Implementations are thread-safe; a {@link Handle} may be used by several threads at once
 * (positional reads and writes do not share a cursor).
 */
public interface FileSystem {

  /** The platform's file system. */
  FileSystem SYSTEM = new SystemFileSystem();

  /**
   * Opens a file for positional reading and writing.
   *
   * @param create whether to create the file if it does not exist
   * @throws java.nio.file.NoSuchFileException if the file does not exist and {@code create} is
   *     false
   */
  Handle open(Path file, boolean create) throws IOException;

  /** Whether a regular file exists at this path. */
  boolean exists(Path file);

  /** The regular files directly inside a directory, sorted by name; empty if it does not exist. */
  List<Path> list(Path directory) throws IOException;

  /** Creates a directory and its missing parents. */
  void createDirectories(Path directory) throws IOException;

  /**
   * Renames {@code source} to {@code target} atomically, replacing {@code target} if it exists. A
   * concurrent reader sees either the old or the new target, never a mix.
   */
  void atomicMove(Path source, Path target) throws IOException;

  /** Deletes a file if it exists. */
  void delete(Path file) throws IOException;

  /**
   * Takes an exclusive lock on a file (created if needed) that other processes, and other
   * holders in this process, cannot take until it is released by closing the result or by the
   * death of the process.
   *
   * @return the held lock, or null if someone else holds it
   */
  Closeable tryLock(Path file) throws IOException;

  /** Makes the directory's entries (creations, renames, deletions) durable. */
  void syncDirectory(Path directory) throws IOException;

  /** Reads a whole file. */
  default byte[] readAll(Path file) throws IOException {
    try (Handle handle = open(file, false)) {
      long size = handle.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException("File " + file + " is too large to read at once: " + size + " bytes");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining()) {
        if (handle.read(buffer, buffer.position()) < 0) {
          break;
        }
      }
      if (buffer.hasRemaining()) {
        byte[] shorter = new byte[buffer.position()];
        buffer.flip().get(shorter);
        return shorter;
      }
      return buffer.array();
    }
  }

  /** An open file. Closing it does not force it. */
  interface Handle extends Closeable {

    /**
     * Reads bytes at a position into {@code dst}.
     *
     * @return the number of bytes read, or -1 at the end of the file
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all remaining bytes of {@code src} at a position. */
    void write(ByteBuffer src, long position) throws IOException;

    /** The current size of the file in bytes. */
    long size() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    /** Makes everything written so far durable (fsync). */
    void force() throws IOException;

    /** The file this handle is open on. */
    Path path();
  }
}

/**
 * Durable storage of a Syncline store in plain files: checksummed atomic files, an optionally
 * encrypted file per persistence key, and a write-ahead log with group commit.
 *
 * <p>The public API lives here; {@link io.syncline.persist.file.internal} holds the file codecs.
 * All file access goes through the injected {@link io.syncline.persist.file.FileSystem}, so tests
 * can fail writes, tear them, or crash the disk.
 */
package io.syncline.persist.file;

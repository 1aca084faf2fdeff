/**
 * Implementation of the file persistence module: the binary codecs of its files (checksummed
 * container, write-ahead log segments) and the platform file system. Not a published API.
 */
package io.syncline.persist.file.internal;

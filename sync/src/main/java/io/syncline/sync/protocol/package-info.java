/**
 * The Syncline wire protocol: its messages as immutable records, and the binary and JSON codecs
 * that turn them into frames and back. {@code docs/protocol.md} specifies the same thing byte by
 * byte for implementers in other languages.
 */
package io.syncline.sync.protocol;

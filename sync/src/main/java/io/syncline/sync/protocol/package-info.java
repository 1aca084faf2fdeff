/**
 * The Syncline wire protocol: its messages as immutable records, and the binary and JSON codecs
 * that turn them into frames and back. {@code docs/protocol.md} specifies the same thing byte by
 * byte for implementers in other languages. The JSON codec needs Jackson, an optional
 * dependency, and is loaded only when JSON is negotiated ({@link
 * io.syncline.sync.protocol.Encoding#isAvailable}).
 */
package io.syncline.sync.protocol;

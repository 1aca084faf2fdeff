/**
 * Wire benchmarks of the client over real sockets on 127.0.0.1: bytes and frames for a burst of
 * writes (W4), and propagation latency between two clients through a hub. Mains, not tests; the
 * run command is in each class's Javadoc.
 */
package io.syncline.client.bench;

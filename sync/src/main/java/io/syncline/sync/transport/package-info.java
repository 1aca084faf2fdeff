/**
 * Frame transports: a {@link io.syncline.sync.transport.Connection} carries whole frames both
 * ways. The in-memory pair and the fault-injecting link live here; WebSocket and HTTP transports
 * live in the client and server modules.
 */
package io.syncline.sync.transport;

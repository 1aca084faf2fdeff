/**
 * Frame transports: a {@link io.syncline.sync.transport.Connection} carries whole frames both
 * ways. The in-memory pair, the fault-injecting link and the transport-neutral server end of a
 * request/response (HTTP) session live here; the WebSocket and HTTP clients live in the client
 * module, and HTTP servers adapt {@link io.syncline.sync.transport.RequestResponseConnection}.
 */
package io.syncline.sync.transport;

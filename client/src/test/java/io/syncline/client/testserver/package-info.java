/**
 * A test-only sync server: Jetty 12 hosting the sync module's {@code SyncHub} behind a real
 * WebSocket endpoint and the HTTP sync endpoint on 127.0.0.1, so the client's tests run over real
 * sockets. The server module will own the production endpoints; these follow the same shapes.
 */
package io.syncline.client.testserver;

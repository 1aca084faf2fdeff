/**
 * Implementation of the client: the WebSocket and HTTP {@code Connection}s on
 * {@code java.net.http}, the HTTP body framing and the client's scheduler. Not a published API;
 * it may change without notice.
 */
package io.syncline.client.internal;

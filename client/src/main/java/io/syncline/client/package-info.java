/**
 * The network client of Syncline: {@link io.syncline.client.SyncClient} keeps one store in sync
 * with a sync server over WebSocket or HTTP. It drives the sync module's {@code SyncManager}
 * over transports built on the JDK's {@code java.net.http} and reports its state as
 * {@link io.syncline.client.SyncStatus}.
 */
package io.syncline.client;

/**
 * The sync layer: channels, the sync manager that drives them, and the hub that serves a store
 * to connected peers. Everything here is transport-agnostic; frames travel over any
 * {@link io.syncline.sync.transport.Connection}.
 */
package io.syncline.sync;

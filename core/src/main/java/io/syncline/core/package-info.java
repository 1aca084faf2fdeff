/**
 * The Syncline store: tables of rows of cells plus top-level values, each cell stamped with a
 * hybrid logical clock reading and merged last-writer-wins, so any replicas that exchange their
 * {@link io.syncline.core.Delta deltas} or {@link io.syncline.core.Changeset changesets} converge.
 *
 * <p>{@link io.syncline.core.Store} is the entry point; everything else in this package is a value
 * it produces or a callback it calls. Implementation classes live in {@code io.syncline.core.internal}.
 */
package io.syncline.core;

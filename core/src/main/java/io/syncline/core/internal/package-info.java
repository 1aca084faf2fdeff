/**
 * Implementation of the core store: columnar table storage, the change index behind
 * {@code deltaSince}, the hybrid logical clock and the binary change codec.
 *
 * <p>Not a public API: types here may change in any release.
 */
package io.syncline.core.internal;

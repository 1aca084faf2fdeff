package io.syncline.sync;

import io.syncline.sync.protocol.ErrorCode;

/** Decides whether a client may sync a store; called by the {@link SyncHub} for every Hello. */
@FunctionalInterface
public interface Authenticator {
  /** Lets everyone in. */
  Authenticator ALLOW_ALL = (storeId, replicaId, token) -> null;

  /**
   * Checks a Hello's credentials.
   *
   * @param token the bearer token, empty if the client sent none
   * @return null to accept, or the code to refuse with ({@link ErrorCode#UNAUTHORIZED},
   *     {@link ErrorCode#FORBIDDEN})
   */
  ErrorCode check(String storeId, String replicaId, String token);
}

package io.syncline.sync.protocol;

import io.syncline.sync.SyncException;

/**
 * A frame or message that breaks the protocol: malformed, truncated, oversized, of an unknown
 * type, or arriving when the session does not expect it. Carries the {@link ErrorCode} to send
 * to the peer; the message names the field at fault.
 */
public final class ProtocolException extends SyncException {
  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ProtocolException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The code to report to the peer in an {@link Message.Error}. */
  public ErrorCode code() {
    return code;
  }
}

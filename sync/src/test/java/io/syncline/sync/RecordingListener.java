package io.syncline.sync;

import io.syncline.core.Change;
import io.syncline.sync.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/** Records everything a {@link SyncManager} reports, in order, for assertions. */
final class RecordingListener implements SyncManager.Listener {
  final List<PeerStatus> statuses = new ArrayList<>();
  final List<String> errors = new ArrayList<>();
  final List<ErrorCode> refusals = new ArrayList<>();
  final List<Change> refused = new ArrayList<>();
  final List<Integer> pending = new ArrayList<>();
  final List<String> disconnects = new ArrayList<>();
  final List<ErrorCode> disconnectCodes = new ArrayList<>();
  /** Status names and "disconnected", interleaved as they happened. */
  final List<String> events = new ArrayList<>();

  @Override
  public void onStatus(String peer, PeerStatus status) {
    statuses.add(status);
    events.add(status.name());
  }

  @Override
  public void onRefused(String peer, List<Change> changes, ErrorCode code, String message) {
    refusals.add(code);
    refused.addAll(changes);
  }

  @Override
  public void onError(String peer, String message) {
    errors.add(message);
  }

  @Override
  public void onPending(String peer, int n) {
    pending.add(n);
  }

  @Override
  public void onDisconnected(String peer, String reason, ErrorCode errorOrNull) {
    disconnects.add(reason);
    disconnectCodes.add(errorOrNull);
    events.add("disconnected");
  }
}

package io.syncline.core;

import io.syncline.core.internal.ChangeIndex;

/** Answers "is this stamp newer than what the version vector holds for its client" quickly. */
final class VectorLookup implements ChangeIndex.StampLookup {
  private final VersionVector vv;
  private int lastClient = -1;
  private int lastIndex = -1;

  VectorLookup(VersionVector vv) {
    this.vv = vv;
  }

  boolean isEmpty() {
    return vv.isEmpty();
  }

  @Override
  public boolean isNewer(int clientId, long hi, int lo) {
    if (vv.isEmpty()) {
      return true;
    }
    if (clientId != lastClient) {
      lastClient = clientId;
      lastIndex = indexOf(clientId);
    }
    return lastIndex < 0 || Stamp.compare(hi, lo, vv.hiAt(lastIndex), vv.loAt(lastIndex)) > 0;
  }

  private int indexOf(int clientId) {
    int low = 0;
    int high = vv.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = vv.clientAt(mid);
      if (c < clientId) {
        low = mid + 1;
      } else if (c > clientId) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }
}

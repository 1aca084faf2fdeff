package io.syncline.sync;

import io.syncline.core.Change;
import io.syncline.core.Delta;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.Encoding;
import java.util.ArrayList;
import java.util.List;

/** Splits lists of changes into deltas that fit one frame. */
final class PayloadChunks {
  /** Room left in a frame for everything but the payload: type, lengths, ids, flags, names. */
  private static final int OVERHEAD = 64;

  private PayloadChunks() {}

  /**
   * The largest encoded delta that fits in a frame of {@code maxFrameBytes} next to a cursor of
   * {@code cursorBytes}, in {@code encoding} (JSON carries payloads in base64: 4 bytes per 3).
   */
  static int budget(Encoding encoding, int maxFrameBytes, int cursorBytes) {
    return switch (encoding) {
      case BINARY -> maxFrameBytes - cursorBytes - OVERHEAD;
      case JSON -> (maxFrameBytes - 4 * (cursorBytes + 2) / 3 - 4 * OVERHEAD) * 3 / 4;
    };
  }

  /**
   * Splits {@code changes}, keeping their order, into runs whose delta encodes to at most
   * {@code budget} bytes. A single change over the budget makes a run of its own (its frame
   * will be refused by the codec).
   */
  static List<List<Change>> split(String source, List<Change> changes, int budget) {
    List<List<Change>> out = new ArrayList<>();
    split(source, changes, budget, out);
    return out;
  }

  private static void split(String source, List<Change> changes, int budget, List<List<Change>> out) {
    if (changes.size() > 1 && Delta.of(source, VersionVector.EMPTY, changes).encode().length > budget) {
      int mid = changes.size() / 2;
      split(source, changes.subList(0, mid), budget, out);
      split(source, changes.subList(mid, changes.size()), budget, out);
    } else {
      out.add(List.copyOf(changes));
    }
  }
}

package io.syncline.sync.transport;

import java.util.ArrayList;
import java.util.List;

/** Records frames (as their first byte, for brevity) and the close reason. */
final class RecordingHandler implements Connection.FrameHandler {
  final List<Integer> frames = new ArrayList<>();
  String closed;
  int closeCalls;

  @Override
  public void onFrame(byte[] frame) {
    frames.add((int) frame[0]);
  }

  @Override
  public void onClose(String reason) {
    closed = reason;
    closeCalls++;
  }
}

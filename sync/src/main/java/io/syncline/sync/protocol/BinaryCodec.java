package io.syncline.sync.protocol;

/** The {@link Encoding#BINARY} codec: a {@link BinaryReader} and {@link BinaryWriter} pair. */
public final class BinaryCodec implements FrameCodec {
  private final BinaryReader reader;
  private final BinaryWriter writer;

  public BinaryCodec(int maxFrameBytes) {
    this.reader = new BinaryReader(maxFrameBytes);
    this.writer = new BinaryWriter(maxFrameBytes);
  }

  @Override
  public Encoding encoding() {
    return Encoding.BINARY;
  }

  @Override
  public byte[] encode(Message message) {
    return writer.encode(message);
  }

  @Override
  public Message decode(byte[] frame) {
    return reader.decode(frame);
  }
}

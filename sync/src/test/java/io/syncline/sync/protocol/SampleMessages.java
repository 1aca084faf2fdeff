package io.syncline.sync.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** One or more valid instances of every message type, for round-trip tests. */
final class SampleMessages {
  private SampleMessages() {}

  static List<Message> all() {
    return List.of(
        new Message.Hello(1, 1, "todo", "alice", "", List.of(Encoding.BINARY), Bytes.EMPTY),
        new Message.Hello(1, 3, "users/1/friends", "bob-🐕", "secret-token",
            List.of(Encoding.JSON, Encoding.BINARY), Bytes.of(new byte[] {0, 1, 2, (byte) 255})),
        new Message.Welcome(1, Encoding.BINARY, "server", SessionLimits.DEFAULT),
        new Message.Welcome(2, Encoding.JSON, "peer", new SessionLimits(1 << 14, 1, 0)),
        new Message.Push(0, PayloadFormat.CHANGESET, Bytes.of(new byte[] {42})),
        new Message.Push(Long.MAX_VALUE, PayloadFormat.DELTA, Bytes.of(bytes(1000, 7))),
        new Message.Ack(List.of(1L, 2L, 300L), Bytes.of(new byte[] {1, 5})),
        new Message.Ack(List.of(Long.MAX_VALUE), Bytes.EMPTY),
        new Message.Refuse(List.of(5L), ErrorCode.REFUSED_SCHEMA,
            "Cell pets/fido/legs must be a number."),
        new Message.Refuse(List.of(1L, 2L), 999, ""),
        new Message.Pull(Bytes.EMPTY),
        new Message.Pull(Bytes.of(bytes(100, 3))),
        new Message.Changes(Bytes.of(bytes(50, 1)), Bytes.of(new byte[] {1, 9}), false),
        new Message.Changes(Bytes.EMPTY, Bytes.EMPTY, true),
        new Message.Poke(Bytes.EMPTY),
        new Message.Poke(Bytes.of(new byte[] {1, 2})),
        new Message.Ping(0, 0),
        new Message.Ping(-1, 1_763_782_000_000L),
        new Message.Pong(Long.MIN_VALUE, Long.MAX_VALUE, 17),
        new Message.Error(ErrorCode.MALFORMED, "Push.payload is cut short.", true),
        new Message.Error(65535, "ünïcödé", false),
        new Message.Bye(""),
        new Message.Bye("Going away."));
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}

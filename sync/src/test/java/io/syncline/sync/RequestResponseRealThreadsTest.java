package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.core.Store;
import io.syncline.core.VersionVector;
import io.syncline.sync.protocol.BinaryCodec;
import io.syncline.sync.protocol.BinaryProtocol;
import io.syncline.sync.protocol.Bytes;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.protocol.Message;
import io.syncline.sync.protocol.MessageType;
import io.syncline.sync.protocol.PayloadFormat;
import io.syncline.sync.transport.RequestResponseConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RequestResponseConnection} on a real executor, with requests arriving on other threads
 * as they do in an HTTP server: every answer holds the replies to its own frames.
 */
class RequestResponseRealThreadsTest {
  private static final BinaryCodec CODEC = new BinaryCodec(BinaryProtocol.DEFAULT_MAX_FRAME_BYTES);

  private static List<Message> post(RequestResponseConnection c, Message... messages)
      throws Exception {
    List<byte[]> frames = new ArrayList<>();
    for (Message m : messages) {
      frames.add(CODEC.encode(m));
    }
    return c.deliver(frames).get(5, TimeUnit.SECONDS).stream().map(CODEC::decode).toList();
  }

  @Test
  @Timeout(30)
  void concurrentSessionsEachGetTheRepliesToTheirOwnRequests() throws Exception {
    ScheduledExecutorService hubThread = Executors.newSingleThreadScheduledExecutor();
    ExecutorService serverThreads = Executors.newFixedThreadPool(4);
    try {
      Scheduler scheduler = Scheduler.of(hubThread);
      Store server = Store.builder().replicaId("server").build();
      SyncHub hub = hubThread.submit(() -> SyncHub.builder(server, "doc", scheduler).build()).get();
      List<Future<Integer>> clients = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String replica = "client-" + i;
        clients.add(serverThreads.submit(() -> {
          RequestResponseConnection c = new RequestResponseConnection(scheduler, replica, 45_000);
          scheduler.schedule(() -> hub.accept(c), 0);
          List<Message> opened = post(c, new Message.Hello(1, 1, "doc", replica, "",
              List.of(Encoding.BINARY), Bytes.EMPTY));
          assertThat(opened.get(0).type()).isEqualTo(MessageType.WELCOME);
          Store mine = Store.builder().replicaId(replica).build();
          int acks = 0;
          for (long n = 1; n <= 50; n++) {
            mine.setCell("t", replica, "n", n);
            Message.Push push = new Message.Push(n, PayloadFormat.DELTA,
                Bytes.of(mine.deltaSince(VersionVector.EMPTY).encode()));
            List<Message> answer = post(c, push, new Message.Ping(n, 0));
            // the Ack and the Pong for this request are in its answer, in order (Pokes may join)
            List<MessageType> types = answer.stream().map(Message::type)
                .filter(t -> t != MessageType.POKE).toList();
            assertThat(types).containsExactly(MessageType.ACK, MessageType.PONG);
            assertThat(((Message.Ack) answer.stream().filter(m -> m instanceof Message.Ack)
                .findFirst().orElseThrow()).ids()).containsExactly(n);
            acks++;
          }
          return acks;
        }));
      }
      for (Future<Integer> f : clients) {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(50);
      }
      assertThat(server.getTable("t")).hasSize(4);
      assertThat(hubThread.submit(hub::sessionCount).get()).isEqualTo(4);
    } finally {
      serverThreads.shutdownNow();
      hubThread.shutdownNow();
    }
  }
}

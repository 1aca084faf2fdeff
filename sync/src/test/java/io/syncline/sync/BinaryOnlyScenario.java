package io.syncline.sync;

import io.syncline.core.Store;
import io.syncline.sync.protocol.Encoding;
import io.syncline.sync.transport.InMemoryTransport;
import io.syncline.sync.transport.RequestResponseConnection;
import java.util.List;
import java.util.Random;

/**
 * A hub and a manager syncing in the binary encoding, over an in-memory pipe and a
 * request/response connection, using nothing but the JDK, core and sync: {@link
 * JacksonFreeBinaryPathTest} runs it in a class loader that cannot see Jackson (or JUnit), so
 * it reports failures by throwing {@link AssertionError} itself.
 */
public final class BinaryOnlyScenario implements Runnable {
  @Override
  public void run() {
    check(!Encoding.JSON.isAvailable(), "JSON must not be available without Jackson.");
    check(Encoding.available().equals(List.of(Encoding.BINARY)), "only BINARY is available");
    VirtualScheduler scheduler = new VirtualScheduler();
    Store server = Store.builder().replicaId("server").clock(new SchedulerClock(scheduler)).build();
    Store alice = Store.builder().replicaId("alice").clock(new SchedulerClock(scheduler)).build();
    SyncHub hub = SyncHub.builder(server, "todo", scheduler).build();
    try {
      SyncManager.builder(alice, "todo", scheduler).encodings(List.of(Encoding.JSON));
      throw new AssertionError("A manager offering JSON without Jackson must be refused.");
    } catch (IllegalStateException expected) {
      check(expected.getMessage().contains("jackson-databind"), expected.getMessage());
    }
    SyncManager m = SyncManager.builder(alice, "todo", scheduler)
        .policy(new AdaptivePolicy(new Random(1))).build();
    m.addPeer("hub", () -> {
      InMemoryTransport.Pair pair = InMemoryTransport.pair(scheduler, "p");
      hub.accept(pair.right());
      return pair.left();
    }, CursorMode.SERVER);
    m.start();
    alice.setCell("t", "r", "c", "from alice");
    server.setCell("t", "r2", "c", "from server");
    scheduler.advance(5_000);
    check(server.getTables().equals(alice.getTables()), "stores converge");
    RequestResponseConnection http = new RequestResponseConnection(scheduler, "s", 10_000);
    hub.accept(http);
    http.deliver(List.of());
    scheduler.advance(20_000);
    check(!http.isOpen(), "an idle request/response session expires");
    m.close();
    hub.close();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("Failed: " + what);
    }
  }
}

package io.syncline.client.bench;

import io.syncline.client.SyncClient;
import io.syncline.client.SyncStatus;
import io.syncline.client.testserver.HubServer;
import io.syncline.client.testserver.WireCounters;
import io.syncline.core.Store;
import io.syncline.sync.AdaptivePolicy;
import io.syncline.sync.SchedulePolicy;
import io.syncline.sync.protocol.SessionLimits;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * W4 and propagation latency over a real WebSocket (and HTTP) on 127.0.0.1, through the sync
 * module's {@code SyncHub} hosted by Jetty.
 *
 * <ul>
 *   <li><b>W4</b>: 10,000 writes of one cell inside one push interval; prints the protocol frames
 *       and bytes client to server (and server to client) that the burst caused, with the
 *       default schedule and with a 100 ms push debounce.
 *   <li><b>W3</b>: a fresh client pulls a 10,000-row store; the bytes on the wire against the
 *       core delta's own size, and the time from connect to holding everything.
 *   <li><b>Latency</b>: client A writes one cell 100 times a second; for each write, the time
 *       until B holds that value or a newer one (a write collapsed into a later one arrives with
 *       it); both clients in this JVM, so one {@code System.nanoTime} clock. Prints p50, p99 and
 *       max.
 * </ul>
 *
 * <p>Run:
 * <pre>
 * cd /work/main &amp;&amp; mvn -q -o -pl client test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/client-cp.txt -Dmdep.includeScope=test \
 *   &amp;&amp; java -cp client/target/test-classes:client/target/classes:$(cat /tmp/client-cp.txt) \
 *     io.syncline.client.bench.WireBench [latencyWrites]
 * </pre>
 */
public final class WireBench {
  private WireBench() {}

  public static void main(String[] args) throws Exception {
    int latencyWrites = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    w4("default schedule", null, true);
    w4("100 ms push debounce", new FixedPushDelay(100), true);
    w4("default schedule", null, false);
    w3(true);
    w3(false);
    latency("WebSocket", true, latencyWrites);
    latency("HTTP", false, latencyWrites);
  }

  private static void w4(String label, SchedulePolicy policy, boolean webSocket)
      throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    try (HubServer hub = new HubServer(server, "bench", SessionLimits.DEFAULT).start()) {
      SyncClient.Options.Builder o = SyncClient.Options.builder("bench");
      if (policy != null) {
        o.policy(policy);
      }
      try (SyncClient c = SyncClient.connect(webSocket ? hub.wsUri() : hub.httpUri(), a,
          o.build())) {
        await(c, Duration.ofSeconds(10));
        Thread.sleep(300); // let the handshake's pings and pulls settle
        WireCounters w = hub.counters();
        w.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
          a.setCell("t", "r", "c", (long) i);
        }
        long writeNanos = System.nanoTime() - t0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Long.valueOf(9_999).equals(server.getCell("t", "r", "c"))
            && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        long arrivedNanos = System.nanoTime() - t0;
        System.out.printf("W4 over %s (%s): 10,000 writes of one cell in %.1f ms; server "
                + "had the last after %.1f ms; client->server %d frames (%d Push), %d bytes; "
                + "server->client %d frames, %d bytes%n", webSocket ? "WebSocket" : "HTTP", label, writeNanos / 1e6,
            arrivedNanos / 1e6, w.framesIn.get(), w.inOfType(0x03), w.bytesIn.get(),
            w.framesOut.get(), w.bytesOut.get());
      }
    }
  }

  /** W3: a fresh replica pulls a 10,000-row store; frame bytes versus the core delta's bytes. */
  private static void w3(boolean webSocket) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    server.transaction(tx -> {
      for (int i = 0; i < 10_000; i++) {
        tx.setCell("todos", "t" + i, "title", "Buy item number " + i);
        tx.setCell("todos", "t" + i, "done", i % 3 == 0);
        tx.setCell("todos", "t" + i, "priority", (long) (i % 5));
      }
    });
    int deltaBytes = server.deltaSince(io.syncline.core.VersionVector.EMPTY).encode().length;
    Store b = Store.builder().replicaId("bob").build();
    try (HubServer hub = new HubServer(server, "bench", SessionLimits.DEFAULT).start()) {
      hub.counters().reset();
      long t0 = System.nanoTime();
      try (SyncClient c = SyncClient.connect(webSocket ? hub.wsUri() : hub.httpUri(), b,
          SyncClient.Options.builder("bench").build())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((!b.hasTable("todos") || b.getTable("todos").size() < 10_000)
            && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        await(c, Duration.ofSeconds(10));
        long out = hub.counters().bytesOut.get();
        System.out.printf("W3 over %s: 10,000 rows x 3 cells; core delta %d bytes; server->client "
                + "%d frames, %d bytes (%.2f%% over the delta, handshake, pings and pulls "
                + "included); connect to B holding everything: %d ms%n",
            webSocket ? "WebSocket" : "HTTP", deltaBytes, hub.counters().framesOut.get(), out,
            100.0 * (out - deltaBytes) / deltaBytes, millis);
      }
    }
  }

  private static void latency(String label, boolean webSocket, int writes) throws Exception {
    Store server = Store.builder().replicaId("server").build();
    Store a = Store.builder().replicaId("alice").build();
    Store b = Store.builder().replicaId("bob").build();
    int warmup = Math.min(100, writes / 5);
    int total = warmup + writes;
    long[] written = new long[total];
    long[] seen = new long[total]; // when B merged value i (0 = never: collapsed away)
    long[] atServer = new long[total];
    server.addCellListener("lat", "r", "c", e -> {
      if (e.newValue() instanceof Long i && i >= 0 && i < total) {
        atServer[(int) (long) i] = System.nanoTime();
      }
    });
    b.addCellListener("lat", "r", "c", e -> {
      if (e.newValue() instanceof Long i && i >= 0 && i < total) {
        seen[(int) (long) i] = System.nanoTime();
      }
    });
    try (HubServer hub = new HubServer(server, "bench", SessionLimits.DEFAULT).start()) {
      URI uri = webSocket ? hub.wsUri() : hub.httpUri();
      try (SyncClient ca = SyncClient.connect(uri, a, SyncClient.Options.builder("bench").build());
          SyncClient cb = SyncClient.connect(uri, b, SyncClient.Options.builder("bench").build())) {
        await(ca, Duration.ofSeconds(10));
        await(cb, Duration.ofSeconds(10));
        long next = System.nanoTime();
        for (int i = 0; i < total; i++) {
          if (i == warmup) {
            hub.counters().reset();
          }
          next += 10_000_000L; // 100 writes per second
          LockSupport.parkNanos(next - System.nanoTime());
          written[i] = System.nanoTime();
          a.setCell("lat", "r", "c", (long) i);
        }
        Thread.sleep(1_000);
      }
      // A write has propagated when B holds it or a newer value of the cell.
      long[] micros = new long[writes];
      long firstSeenLater = 0;
      int merged = 0;
      for (int i = total - 1; i >= warmup; i--) {
        if (seen[i] != 0) {
          merged++;
          firstSeenLater = firstSeenLater == 0 ? seen[i] : Math.min(firstSeenLater, seen[i]);
        }
        micros[i - warmup] = firstSeenLater == 0 ? Long.MAX_VALUE : (firstSeenLater - written[i]) / 1_000;
      }
      if (Boolean.getBoolean("bench.debug")) {
        StringBuilder slow = new StringBuilder();
        for (int i = 0; i < writes; i++) {
          int w = i + warmup;
          if (micros[i] > 30_000 && (i == 0 || micros[i - 1] <= 30_000)) {
            int firstAtServer = w;
            while (firstAtServer < total && atServer[firstAtServer] == 0) {
              firstAtServer++;
            }
            slow.append(String.format("%n  write %d: %d ms to B; next value at server: #%d after %d ms",
                i, micros[i] / 1000, firstAtServer - warmup, firstAtServer < total
                    ? (atServer[firstAtServer] - written[w]) / 1_000_000 : -1));
          }
        }
        System.out.println("slow writes (index:latency): " + slow);
      }
      Arrays.sort(micros);
      System.out.printf("Latency over %s at 100 writes/s: %d writes, %d merged by B (the rest "
              + "collapsed); write-to-B-holds-it p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f "
              + "ms; wire: %d frames / %d bytes in, %d frames / %d bytes out, %d failed sends%n",
          label, writes, merged, pct(micros, 0.50), pct(micros, 0.90), pct(micros, 0.99),
          micros[micros.length - 1] / 1e3,
          hub.counters().framesIn.get(), hub.counters().bytesIn.get(),
          hub.counters().framesOut.get(), hub.counters().bytesOut.get(),
          hub.counters().failedSends.get());
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e3;
  }

  private static void await(SyncClient c, Duration timeout) throws InterruptedException {
    if (!c.awaitStatus(SyncStatus::isSynced, timeout)) {
      throw new IllegalStateException("Client did not get online: " + c);
    }
  }

  /** The default policy with a fixed push debounce, so a burst lands inside one interval. */
  private static final class FixedPushDelay implements SchedulePolicy {
    private final AdaptivePolicy base = new AdaptivePolicy(new Random(1));
    private final long pushMillis;

    FixedPushDelay(long pushMillis) {
      this.pushMillis = pushMillis;
    }

    @Override
    public long pushDelayMillis(PeerStats s) {
      return pushMillis;
    }

    @Override
    public long pullDelayMillis(PeerStats s) {
      return base.pullDelayMillis(s);
    }

    @Override
    public long answerTimeoutMillis(PeerStats s) {
      return base.answerTimeoutMillis(s);
    }

    @Override
    public long reconnectDelayMillis(PeerStats s) {
      return base.reconnectDelayMillis(s);
    }
  }
}

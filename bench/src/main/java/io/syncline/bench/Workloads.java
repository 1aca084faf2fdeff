package io.syncline.bench;

import static io.syncline.bench.Measure.clock;
import static io.syncline.bench.Measure.ms;
import static io.syncline.bench.WorkloadData.CELLS;
import static io.syncline.bench.WorkloadData.CELL_IDS;
import static io.syncline.bench.WorkloadData.TABLE;

import io.syncline.core.Delta;
import io.syncline.core.Origin;
import io.syncline.core.Store;
import io.syncline.core.Subscription;
import io.syncline.core.VersionVector;
import java.util.ArrayList;
import java.util.List;

/**
 * Workloads W1-W5 of WORKLOADS.md §4 against the Syncline core API. Each method runs in a fresh JVM
 * (see {@link Main}) and writes the peers' field names into a {@link Json} object.
 *
 * <p>Mapping (WORKLOADS.md §5): table "t", rows "r" + i, cells "c" + j; a transaction is
 * {@code store.transaction}; full state = {@code deltaSince(VersionVector.EMPTY).encode()}; the delta
 * mechanism ("vv") is: B sends {@code versionVector().encode()}, A decodes it and answers
 * {@code deltaSince(vv).encode()}, B applies {@code Delta.decode(bytes)}.
 */
final class Workloads {
  /** Name of our delta / pair method in the JSON (the peers use "sv", "heads", "sync", "hashtree"). */
  static final String METHOD = "vv";
  static final int TX_SIZE = 100;

  private Workloads() {}

  static Store replica(int k) {
    return Store.builder().replicaId("replica" + k).build();
  }

  /** Applies ops [from, to) as one transaction of single-cell sets. */
  static void writeTx(Store store, Ops ops, int from, int to) {
    store.transaction(tx -> {
      int lastRow = -1;
      String rowId = null;
      for (int i = from; i < to; i++) {
        int r = ops.row[i];
        if (r != lastRow) {
          rowId = WorkloadData.rowId(r);
          lastRow = r;
        }
        tx.setCell(TABLE, rowId, CELL_IDS[ops.cell[i]], ops.value[i]);
      }
    });
  }

  static Content content(Store store) {
    return Content.of(store.getTable(TABLE));
  }

  static WorkloadData.Lookup lookup(Store store) {
    return (r, c) -> store.getCell(TABLE, WorkloadData.rowId(r), CELL_IDS[c]);
  }

  static byte[] encodeFull(Store store) {
    return store.deltaSince(VersionVector.EMPTY).encode();
  }

  static Store fromFull(byte[] bytes, int k) {
    Store s = replica(k);
    s.applyDelta(Delta.decode(bytes));
    return s;
  }

  /** Result of one pull: B asks A for what it misses. */
  static final class Pull {
    long computeNs;
    long applyNs;
    long bytes;
    long payloadBytes;
    int messages;
    int changes; // cell/value changes carried by the delta
  }

  /** One-directional delta: {@code to} sends its version vector, {@code from} answers the delta. */
  static Pull pull(Store from, Store to) {
    Pull p = new Pull();
    long t0 = clock();
    byte[] vv = to.versionVector().encode();
    byte[] delta = from.deltaSince(VersionVector.decode(vv)).encode();
    long t1 = clock();
    Delta decoded = Delta.decode(delta);
    to.applyDelta(decoded);
    long t2 = clock();
    p.changes = decoded.size();
    p.computeNs = t1 - t0;
    p.applyNs = t2 - t1;
    p.bytes = vv.length + delta.length;
    p.payloadBytes = delta.length;
    p.messages = 2;
    return p;
  }

  /** Bidirectional pairwise sync: both send version vectors, both answer deltas, both apply. */
  static long[] syncPair(Store a, Store b) {
    byte[] va = a.versionVector().encode();
    byte[] vb = b.versionVector().encode();
    byte[] da = a.deltaSince(VersionVector.decode(vb)).encode();
    byte[] db = b.deltaSince(VersionVector.decode(va)).encode();
    b.applyDelta(Delta.decode(da));
    a.applyDelta(Delta.decode(db));
    return new long[] {va.length + vb.length + da.length + db.length, 4};
  }

  /** W1 -> W2 -> W3 chain (W2 continues from W1's replica, W3 from W2's pair). */
  static void w123(Json j, int rows, int upTo, int w3Updates) {
    j.obj("scale").num("rows", rows).num("cells", (long) rows * CELLS).num("txSize", TX_SIZE).end();
    long heapEmpty = Measure.heapAfterGc();
    long rssEmpty = Measure.rss();
    Ops ops = WorkloadData.fill(WorkloadData.SEED_W1, rows);
    j.str("w1OpsDigest", ops.digest());
    long heap0 = Measure.heapAfterGc();
    long rss0 = Measure.rss();
    long alloc0 = Measure.allocated();
    Measure.Costs w1Costs = Measure.Costs.now();
    Store a = replica(0);
    long t0 = clock();
    for (int i = 0; i < ops.n; i += TX_SIZE) writeTx(a, ops, i, Math.min(i + TX_SIZE, ops.n));
    long t1 = clock();
    w1Costs = Measure.Costs.now().since(w1Costs);
    long alloc1 = Measure.allocated();
    int nOps = ops.n;
    ops = null; // drop the op arrays before the memory reading
    long heap1 = Measure.heapAfterGc();
    long rss1 = Measure.rss();
    Content dA = content(a);
    long liveCells = dA.cells;

    j.obj("W1");
    j.num("totalMs", ms(t1 - t0));
    j.num("opsPerSec", nOps / ((t1 - t0) / 1e9));
    j.num("allocatedMB", (alloc1 - alloc0) / Measure.MB); // the store's and the benchmark's row ids
    w1Costs.toJson(j, "");
    j.num("heapBytesPerCell", (double) (heap1 - heap0) / liveCells);
    // Stricter figure: baseline taken before the op arrays were generated (the peers' baseline, taken
    // after generation, hides the size of the generated values the store keeps referencing).
    j.num("heapBytesPerCellVsEmpty", (double) (heap1 - heapEmpty) / liveCells);
    j.obj("mem")
        .num("heapUsedMB", (heap1 - heap0) / Measure.MB)
        .num("heapUsedVsEmptyMB", (heap1 - heapEmpty) / Measure.MB)
        .num("rssMB", rss1 < 0 ? Double.NaN : (rss1 - rss0) / Measure.MB)
        .num("rssVsEmptyMB", rss1 < 0 ? Double.NaN : (rss1 - rssEmpty) / Measure.MB)
        .end();
    j.obj("memAbs").num("heapUsed", heap1).num("rss", rss1).end();
    j.obj("content");
    dA.toJsonFields(j);
    j.end();
    if (upTo < 2) {
      j.end();
      return;
    }

    // W2 full sync
    Measure.gc();
    long ea0 = Measure.allocated();
    Measure.Costs encodeCosts = Measure.Costs.now();
    long e0 = clock();
    byte[] full = encodeFull(a);
    long e1 = clock();
    Measure.Costs applyCosts = Measure.Costs.now();
    encodeCosts = applyCosts.since(encodeCosts);
    long ea1 = Measure.allocated();
    long a0 = clock();
    Store b = fromFull(full, 1);
    long e2 = clock();
    applyCosts = Measure.Costs.now().since(applyCosts);
    long ea2 = Measure.allocated();
    j.num("fullStateBytes", full.length);
    j.end(); // W1
    Content dB = content(b);
    j.obj("W2").num("encodeMs", ms(e1 - e0)).num("applyMs", ms(e2 - a0)).num("bytes", full.length)
        .num("encodeAllocatedMB", (ea1 - ea0) / Measure.MB).num("applyAllocatedMB", (ea2 - ea1) / Measure.MB);
    encodeCosts.toJson(j, "encode");
    applyCosts.toJson(j, "apply");
    j.bool("equal", dB.sameAs(dA)).end();
    full = null;
    if (upTo < 3) return;

    // W3 delta sync: A makes w3Updates single-set transactions, B pulls the delta from A.
    Ops up = WorkloadData.randomUpdates(WorkloadData.SEED_W3, w3Updates, rows, lookup(a));
    j.str("w3OpsDigest", up.digest());
    Measure.gc();
    long u0 = clock();
    for (int i = 0; i < up.n; i++) writeTx(a, up, i, i + 1);
    long u1 = clock();
    Content dA3 = content(a);
    Measure.gc();
    Pull p = pull(a, b);
    Content dB3 = content(b);
    j.obj("W3").obj(METHOD)
        .num("localWriteMs", ms(u1 - u0))
        .num("computeMs", ms(p.computeNs))
        .num("applyMs", ms(p.applyNs))
        .num("bytes", p.bytes)
        .num("payloadBytes", p.payloadBytes)
        .num("messages", p.messages)
        .num("changes", p.changes)
        .bool("equal", dB3.sameAs(dA3))
        .end().end();
  }

  /** W4 hot cell: A sets t/r0/c1 = 1..n, one transaction each. */
  static void w4(Json j, int n) {
    j.obj("scale").num("sets", n).end();
    Store a = replica(0);
    Ops base = WorkloadData.fill(WorkloadData.SEED_W4, 1);
    writeTx(a, base, 0, base.n);
    Store b = fromFull(encodeFull(a), 1);
    Ops hot = new Ops(n);
    for (int i = 0; i < n; i++) {
      hot.row[i] = 0;
      hot.cell[i] = 1;
      hot.value[i] = i + 1;
    }
    long[] cap = new long[2]; // count, bytes
    Subscription sub = a.addChangesetListener((cs, origin) -> {
      if (origin == Origin.LOCAL) {
        cap[0]++;
        cap[1] += cs.encode().length;
      }
    });
    Measure.gc();
    long t0 = clock();
    for (int i = 0; i < n; i++) writeTx(a, hot, i, i + 1);
    long t1 = clock();
    sub.close();
    // Extra (not a peer field): the same 10,000 writes on a fresh replica with no changeset listener,
    // to separate the store's write cost from encoding each changeset for the capture above.
    Store plain = replica(2);
    writeTx(plain, base, 0, base.n);
    Measure.gc();
    long p0 = clock();
    for (int i = 0; i < n; i++) writeTx(plain, hot, i, i + 1);
    long p1 = clock();
    plain = null;
    Content dA = content(a);
    int fullAfter = encodeFull(a).length;
    Pull p = pull(a, b);
    Content dB = content(b);
    Object c1 = b.getCell(TABLE, "r0", "c1");
    j.obj("W4")
        .num("writeMs", ms(t1 - t0))
        .num("writeMsWithoutCapture", ms(p1 - p0))
        .obj("perTx").num("updates", cap[0]).num("bytes", cap[1]).num("avgBytes", cap[0] == 0 ? 0 : (double) cap[1] / cap[0]).end()
        .num("fullStateBytesAfter", fullAfter)
        .obj("delta").obj(METHOD)
        .num("bytes", p.bytes).num("payloadBytes", p.payloadBytes).num("messages", p.messages)
        .num("changes", p.changes).num("computeMs", ms(p.computeNs)).num("applyMs", ms(p.applyNs))
        .bool("equal", dB.sameAs(dA) && c1 instanceof Number && ((Number) c1).longValue() == n)
        .end().end()
        .end();
  }

  /** W5: 10 replicas share a 1000 x 10 base, each makes 10,000 random sets, then full-mesh pair sync. */
  static void w5(Json j, int replicas, int rows, int sets, int maxRounds) {
    j.obj("scale").num("replicas", replicas).num("rows", rows).num("sets", sets).num("txSize", TX_SIZE).end();
    Store r0 = replica(0);
    Ops base = WorkloadData.fill(WorkloadData.SEED_W5_BASE, rows);
    j.str("baseDigest", base.digest());
    for (int i = 0; i < base.n; i += TX_SIZE) writeTx(r0, base, i, Math.min(i + TX_SIZE, base.n));
    byte[] full = encodeFull(r0);
    List<Store> reps = new ArrayList<>();
    reps.add(r0);
    for (int k = 1; k < replicas; k++) reps.add(fromFull(full, k));
    List<Ops> opsPer = new ArrayList<>();
    j.arr("replicaOpsDigests");
    for (int k = 0; k < replicas; k++) {
      Ops o = WorkloadData.randomUpdates(WorkloadData.SEED_W5_REPLICA + k, sets, rows, lookup(reps.get(k)));
      opsPer.add(o);
      j.elem(o.digest());
    }
    j.endArr();
    Measure.gc();
    long w0 = clock();
    for (int k = 0; k < replicas; k++) {
      Store rep = reps.get(k);
      Ops ops = opsPer.get(k);
      for (int i = 0; i < ops.n; i += TX_SIZE) writeTx(rep, ops, i, Math.min(i + TX_SIZE, ops.n));
    }
    long w1 = clock();
    j.obj("W5").num("writeMs", ms(w1 - w0));
    Measure.gc();
    long totalNs = 0;
    long bytes = 0;
    long messages = 0;
    int rounds = 0;
    boolean equal = false;
    Content digest = null;
    List<Double> roundMs = new ArrayList<>();
    while (rounds < maxRounds && !equal) {
      long t0 = clock();
      for (int i = 0; i < replicas; i++) {
        for (int k = i + 1; k < replicas; k++) {
          long[] r = syncPair(reps.get(i), reps.get(k));
          bytes += r[0];
          messages += r[1];
        }
      }
      long t1 = clock();
      totalNs += t1 - t0;
      rounds++;
      roundMs.add(ms(t1 - t0));
      Content first = null;
      equal = true;
      for (Store rep : reps) {
        Content d = content(rep);
        if (first == null) first = d;
        else if (!d.sameAs(first)) equal = false;
      }
      digest = first;
    }
    j.obj(METHOD).num("convergeMs", ms(totalNs)).num("rounds", rounds);
    j.arr("roundMs");
    for (double d : roundMs) j.elem(d);
    j.endArr();
    j.num("bytes", bytes).num("messages", messages).bool("equal", equal);
    j.obj("content");
    digest.toJsonFields(j);
    j.end();
    j.end(); // method
    j.end(); // W5
  }
}

package io.syncline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generator must reproduce the PRNG test vector and every op-stream digest of WORKLOADS.md §2-§3. */
class WorkloadDataTest {

  @Test
  void mulberry32TestVector() {
    Mulberry32 rng = new Mulberry32(1);
    assertThat(rng.next()).isEqualTo(0.6270739405881613);
    assertThat(rng.next()).isEqualTo(0.002735721180215478);
    assertThat(rng.next()).isEqualTo(0.5274470399599522);
  }

  @Test
  void w1AndW3Digests() {
    Ops w1 = WorkloadData.fill(WorkloadData.SEED_W1, 100_000);
    assertThat(w1.n).isEqualTo(1_000_000);
    assertThat(w1.digest()).isEqualTo("f2c10d38");
    Ops w3 = WorkloadData.randomUpdates(WorkloadData.SEED_W3, 1000, 100_000, WorkloadData.lookupOf(w1));
    assertThat(w3.digest()).isEqualTo("4fc8e1b4");
  }

  @Test
  void scaledW1AndW3Digests() {
    Ops w1 = WorkloadData.fill(WorkloadData.SEED_W1, 10_000);
    assertThat(w1.digest()).isEqualTo("fd102cfc");
    Ops w3 = WorkloadData.randomUpdates(WorkloadData.SEED_W3, 1000, 10_000, WorkloadData.lookupOf(w1));
    assertThat(w3.digest()).isEqualTo("527a6f53");
  }

  @Test
  void w4BaseDigest() {
    assertThat(WorkloadData.fill(WorkloadData.SEED_W4, 1).digest()).isEqualTo("b8a5ebc8");
  }

  @Test
  void w5Digests() {
    Ops base = WorkloadData.fill(WorkloadData.SEED_W5_BASE, 1000);
    assertThat(base.digest()).isEqualTo("8bdf61b4");
    List<String> got = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      got.add(WorkloadData.randomUpdates(WorkloadData.SEED_W5_REPLICA + k, 10_000, 1000, WorkloadData.lookupOf(base)).digest());
    }
    assertThat(got).containsExactly("cd9b4098", "131d962d", "cfbc23d1", "6eb32bf9", "ed8efa43",
        "96b1285b", "bfc19bbf", "fcf78183", "d7ef1b08", "1215e465");
  }

  @Test
  void contentDigestOfAFillEqualsItsOpDigest() {
    Ops w5 = WorkloadData.fill(WorkloadData.SEED_W5_BASE, 1000);
    Map<String, Map<String, Object>> table = new LinkedHashMap<>();
    // insert rows in a scrambled order, integers as Long (as the store reads them back)
    for (int r = 999; r >= 0; r--) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 9; c >= 0; c--) {
        Object v = w5.value[r * 10 + c];
        row.put("c" + c, v instanceof Integer ? Long.valueOf((Integer) v) : v);
      }
      table.put("r" + r, row);
    }
    Content content = Content.of(table);
    assertThat(content.digest).isEqualTo("8bdf61b4");
    assertThat(content.rows).isEqualTo(1000);
    assertThat(content.cells).isEqualTo(10_000);
  }

  @Test
  void jsonWriter() {
    Json j = new Json();
    j.obj().str("workload", "W1").str("peer", "syncline").obj("W1").num("totalMs", 12.5).num("n", 3)
        .arr("a").elem(1).elem(2.5).endArr().bool("ok", true).end().end();
    assertThat(j.toString()).isEqualTo(
        "{\"workload\":\"W1\",\"peer\":\"syncline\",\"W1\":{\"totalMs\":12.5,\"n\":3,\"a\":[1,2.5],\"ok\":true}}");
  }
}

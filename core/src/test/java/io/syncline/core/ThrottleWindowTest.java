package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThrottleWindowTest {
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void aBurstIsSavedOnceAfterItsLastCommit() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    AtomicLong ranAt = new AtomicLong();
    CountDownLatch ran = new CountDownLatch(1);
    ThrottleWindow w = new ThrottleWindow(Duration.ofMillis(40), Duration.ofSeconds(5), worker, () -> {
      batches.incrementAndGet();
      ranAt.set(System.nanoTime());
      ran.countDown();
    });
    long lastCommit = 0;
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    while (System.nanoTime() < end) { // commits every millisecond for 200 ms: longer than the throttle
      lastCommit = System.nanoTime(); // read before the commit: no later than the time the window records
      w.onCommit();
      Thread.sleep(1);
    }
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batches.get()).isEqualTo(1);
    assertThat(ranAt.get() - lastCommit).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
  }

  @Test
  void aStreamThatNeverPausesIsSavedAfterMaxDelay() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicLong ranAt = new AtomicLong();
    ThrottleWindow w = new ThrottleWindow(Duration.ofMillis(50), Duration.ofMillis(150), worker, () -> {
      ranAt.set(System.nanoTime());
      ran.countDown();
    });
    long first = System.nanoTime();
    long end = first + TimeUnit.SECONDS.toNanos(5);
    while (ran.getCount() > 0 && System.nanoTime() < end) { // never quiet for 50 ms
      w.onCommit();
      Thread.sleep(2);
    }
    assertThat(ran.getCount()).isZero();
    assertThat(ranAt.get() - first).isBetween(TimeUnit.MILLISECONDS.toNanos(150), TimeUnit.SECONDS.toNanos(4));
  }

  @Test
  void aCommitDuringTheBatchOpensTheNextWindow() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    CountDownLatch two = new CountDownLatch(2);
    ThrottleWindow[] w = new ThrottleWindow[1];
    w[0] = new ThrottleWindow(Duration.ZERO, Duration.ZERO, worker, () -> {
      if (batches.incrementAndGet() == 1) {
        w[0].onCommit(); // a write that lands while the first batch runs
      }
      two.countDown();
    });
    w[0].onCommit();
    assertThat(two.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new ThrottleWindow(Duration.ofMillis(10), Duration.ofMillis(-5), worker, () -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
  }

  @Test
  void commitListenersHearLocalAndRemoteCommitsThatChangeSomething() throws Exception {
    Store a = Store.builder().replicaId("a").build();
    Store b = Store.builder().replicaId("b").build();
    AtomicInteger heard = new AtomicInteger();
    Subscription s = a.addCommitListener(heard::incrementAndGet);
    a.setCell("t", "r", "c", 1);
    a.setCell("t", "r", "c", 1); // changes nothing: no commit
    b.setCell("t", "r", "d", 2);
    a.applyDelta(b.deltaSince(a.versionVector()));
    assertThat(heard.get()).isEqualTo(2);
    s.close();
    a.setCell("t", "r", "c", 3);
    assertThat(heard.get()).isEqualTo(2);
  }
}

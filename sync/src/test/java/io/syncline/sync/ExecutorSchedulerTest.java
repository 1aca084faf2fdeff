package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Scheduler#of}: failing tasks are reported, and the scheduler keeps running. */
class ExecutorSchedulerTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /** Collects what reaches the JUL logger that the default System.Logger finder maps onto. */
  static final class RecordingHandler extends Handler {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void taskExceptionIsLoggedAndLaterTasksStillRun() throws InterruptedException {
    Logger jul = Logger.getLogger(Scheduler.class.getName());
    RecordingHandler handler = new RecordingHandler();
    jul.addHandler(handler);
    boolean parentHandlers = jul.getUseParentHandlers();
    jul.setUseParentHandlers(false); // keep the expected stack trace out of the build log
    try {
      Scheduler s = Scheduler.of(executor);
      CountDownLatch after = new CountDownLatch(1);
      s.schedule(() -> {
        throw new IllegalStateException("task 1 broke");
      }, 0);
      s.schedule(after::countDown, 5);
      assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(handler.records).hasSize(1);
      LogRecord r = handler.records.get(0);
      assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
      assertThat(r.getThrown()).hasMessage("task 1 broke");
    } finally {
      jul.removeHandler(handler);
      jul.setUseParentHandlers(parentHandlers);
    }
  }

  @Test
  void failureHandlerReceivesWhatTasksThrow() throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Scheduler s = Scheduler.of(executor, failures::add);
    CountDownLatch done = new CountDownLatch(1);
    s.schedule(() -> {
      throw new AssertionError("an Error too");
    }, 0);
    s.schedule(() -> {
      throw new IllegalArgumentException("and a runtime exception");
    }, 1);
    s.schedule(done::countDown, 10);
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).extracting(Throwable::getMessage)
        .containsExactly("an Error too", "and a runtime exception");
  }

  @Test
  void cancelledTaskDoesNotRun() throws InterruptedException {
    Scheduler s = Scheduler.of(executor);
    boolean[] ran = {false};
    Scheduler.Cancellable c = s.schedule(() -> ran[0] = true, 50);
    c.cancel();
    CountDownLatch done = new CountDownLatch(1);
    s.schedule(done::countDown, 100);
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran[0]).isFalse();
  }

  @Test
  void taskScheduledAfterShutdownIsDroppedQuietly() {
    Scheduler s = Scheduler.of(executor);
    executor.shutdown();
    boolean[] ran = {false};
    s.schedule(() -> ran[0] = true, 0).cancel();
    assertThat(ran[0]).isFalse();
  }
}

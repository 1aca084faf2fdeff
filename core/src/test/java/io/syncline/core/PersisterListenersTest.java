package io.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersisterListenersTest {
  @Test
  void aThrowingListenerDoesNotStopTheOthersAndClosedIsFinal() {
    PersisterListeners l = new PersisterListeners("test persister");
    List<Persister.Status> seen = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    l.addStatusListener(s -> {
      throw new IllegalStateException("listener bug");
    });
    Subscription status = l.addStatusListener(seen::add);
    l.addErrorListener(e -> {
      throw new IllegalStateException("listener bug");
    });
    l.addErrorListener(errors::add);

    l.setStatus(Persister.Status.SAVING);
    l.setStatus(Persister.Status.SAVING); // no change, no call
    l.setStatus(Persister.Status.IDLE);
    RuntimeException failure = new RuntimeException("disk full");
    l.report(failure);
    assertThat(seen).containsExactly(Persister.Status.SAVING, Persister.Status.IDLE);
    assertThat(errors).containsExactly(failure);

    l.setStatus(Persister.Status.CLOSED);
    l.setStatus(Persister.Status.IDLE);
    assertThat(l.status()).isEqualTo(Persister.Status.CLOSED);
    status.close();
    assertThat(seen).containsExactly(Persister.Status.SAVING, Persister.Status.IDLE, Persister.Status.CLOSED);
  }
}

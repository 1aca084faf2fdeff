package io.syncline.core;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A persister's {@link Persister.Status} and its status and error listeners, for
 * {@link Persister} implementations. A listener that throws is logged and skipped; the others
 * still run. Once {@link Persister.Status#CLOSED}, the status stays so. Thread-safe: listeners run
 * on the thread that reports, normally the persister's worker.
 */
public final class PersisterListeners {
  private static final System.Logger LOG = System.getLogger(PersisterListeners.class.getName());

  private final Object owner;
  private final List<Consumer<Persister.Status>> statusListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
  private volatile Persister.Status status = Persister.Status.IDLE;

  /** @param owner the persister, named in log messages */
  public PersisterListeners(Object owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  public Subscription addStatusListener(Consumer<Persister.Status> listener) {
    Objects.requireNonNull(listener, "listener");
    statusListeners.add(listener);
    return () -> statusListeners.remove(listener);
  }

  public Subscription addErrorListener(Consumer<Throwable> listener) {
    Objects.requireNonNull(listener, "listener");
    errorListeners.add(listener);
    return () -> errorListeners.remove(listener);
  }

  public Persister.Status status() {
    return status;
  }

  /** Moves to {@code next} and tells the status listeners, unless nothing changes or it is closed. */
  public void setStatus(Persister.Status next) {
    if (status == next || status == Persister.Status.CLOSED) {
      return;
    }
    status = next;
    for (Consumer<Persister.Status> listener : statusListeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "A status listener of " + owner + " failed", e);
      }
    }
  }

  /** Tells the error listeners about a failure of background work (the caller logs it). */
  public void report(Throwable failure) {
    for (Consumer<Throwable> listener : errorListeners) {
      try {
        listener.accept(failure);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "An error listener of " + owner + " failed", e);
      }
    }
  }
}

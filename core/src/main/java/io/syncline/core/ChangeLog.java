package io.syncline.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every committed changeset of a store, in commit order, consumed by named {@link Tailer}s that
 * each keep their own cursor and read at their own pace (DESIGN section 4): the persistence
 * tailer, the sync tailer, and whatever else an application attaches.
 *
 * <p>A tailer that falls behind never blocks writers: appending is O(1). The log keeps only the
 * changesets some tailer has not consumed, trimming below the slowest cursor, and keeps nothing at
 * all while no tailer is attached. Remote changesets are logged too; {@link #isLocal} tells them
 * apart.
 *
 * <p>Thread-safe: the store appends on its writing thread; tailers poll from any thread.
 * {@link Tailer#onAppend} callbacks run on the appending thread after the append.
 */
public final class ChangeLog {
  private final String replicaId;
  private final ArrayDeque<Object> entries = new ArrayDeque<>(); // Changeset or PendingChangeset
  private final Map<String, Tailer> tailers = new LinkedHashMap<>();
  private long base; // position of entries.peekFirst()
  private Runnable[] callbacks = new Runnable[0];
  private volatile boolean active;

  ChangeLog(String replicaId) {
    this.replicaId = replicaId;
  }

  /** True if some tailer is attached, so commits should build and append changesets. */
  boolean active() {
    return active;
  }

  /** True if {@code changeset} was written on this replica rather than merged from another. */
  public boolean isLocal(Changeset changeset) {
    return changeset.origin().equals(replicaId);
  }

  /** The position the next appended changeset gets. */
  public synchronized long end() {
    return base + entries.size();
  }

  /** Changesets held for tailers that have not consumed them yet. */
  public synchronized int size() {
    return entries.size();
  }

  /**
   * The tailer named {@code name}, created at the end of the log (it sees only changesets
   * appended from now on) if it does not exist yet.
   */
  public synchronized Tailer tailer(String name) {
    Objects.requireNonNull(name, "name");
    Tailer t = tailers.get(name);
    if (t == null) {
      t = new Tailer(name, end());
      tailers.put(name, t);
      active = true;
    }
    return t;
  }

  /** Appends a changeset, or a {@link PendingChangeset} to be materialised when polled. */
  void append(Object changeset) {
    Runnable[] toRun;
    synchronized (this) {
      if (tailers.isEmpty()) {
        return;
      }
      entries.addLast(changeset);
      toRun = callbacks;
    }
    for (Runnable r : toRun) {
      r.run();
    }
  }

  /** Rebuilds the array of append callbacks; called with the monitor held when tailers change. */
  private void refreshCallbacks() {
    List<Runnable> list = new ArrayList<>();
    for (Tailer t : tailers.values()) {
      if (t.onAppend != null) {
        list.add(t.onAppend);
      }
    }
    callbacks = list.toArray(new Runnable[0]);
  }

  private void trim() {
    long min = Long.MAX_VALUE;
    for (Tailer t : tailers.values()) {
      min = Math.min(min, t.cursor);
    }
    if (tailers.isEmpty()) {
      min = end();
    }
    while (base < min && !entries.isEmpty()) {
      entries.pollFirst();
      base++;
    }
  }

  /**
   * The newest change per cell and per value among {@code changesets}, in the order each cell or
   * value was first touched: what a sync tailer sends instead of every intermediate write.
   */
  public static List<Change> collapse(Collection<Changeset> changesets) {
    int total = 0;
    for (Changeset cs : changesets) {
      total += cs.size();
    }
    Map<Object, Change> newest = new LinkedHashMap<>(Math.max(16, total * 4 / 3 + 1));
    for (Changeset cs : changesets) {
      for (Change c : cs.changes()) {
        Object key = c instanceof CellChange cc ? new CellKey(cc.table(), cc.row(), cc.cell()) : ((ValueChange) c).id();
        Change old = newest.putIfAbsent(key, c);
        if (old != null && c.stamp().compareTo(old.stamp()) >= 0) {
          newest.put(key, c);
        }
      }
    }
    return List.copyOf(newest.values());
  }

  /** Identifies a cell in {@link #collapse}; distinct from value ids, which are plain strings. */
  private record CellKey(String table, String row, String cell) {}

  /** A named cursor into the log. Thread-safe. */
  public final class Tailer implements AutoCloseable {
    private final String name;
    private long cursor;
    private Runnable onAppend;
    private boolean closed;

    private Tailer(String name, long cursor) {
      this.name = name;
      this.cursor = cursor;
    }

    public String name() {
      return name;
    }

    /** Position of the next changeset this tailer will read. */
    public long cursor() {
      synchronized (ChangeLog.this) {
        return cursor;
      }
    }

    /** Changesets appended that this tailer has not read yet. */
    public long lag() {
      synchronized (ChangeLog.this) {
        return end() - cursor;
      }
    }

    /**
     * Returns up to {@code max} unread changesets in commit order and moves the cursor past
     * them; empty if there are none.
     */
    public List<Changeset> poll(int max) {
      List<Object> raw;
      synchronized (ChangeLog.this) {
        if (closed) {
          throw new IllegalStateException("Tailer " + name + " is closed");
        }
        int n = (int) Math.min(max, end() - cursor);
        raw = new ArrayList<>(Math.max(0, n));
        int skip = (int) (cursor - base);
        int i = 0;
        for (Object e : entries) {
          if (i >= skip + n) {
            break;
          }
          if (i >= skip) {
            raw.add(e);
          }
          i++;
        }
        cursor += raw.size();
        trim();
      }
      // materialise outside the monitor so the writing thread's appends never wait for it
      List<Changeset> out = new ArrayList<>(raw.size());
      for (Object e : raw) {
        out.add(e instanceof PendingChangeset p ? p.materialize() : (Changeset) e);
      }
      return out;
    }

    /**
     * Sets the callback run on the appending thread after each append (replacing any earlier
     * one). Keep it short: schedule work, do not do it.
     */
    public void onAppend(Runnable callback) {
      synchronized (ChangeLog.this) {
        onAppend = callback;
        refreshCallbacks();
      }
    }

    /** Detaches this tailer; the log stops holding changesets for it. */
    @Override
    public void close() {
      synchronized (ChangeLog.this) {
        if (!closed) {
          closed = true;
          tailers.remove(name);
          active = !tailers.isEmpty();
          refreshCallbacks();
          trim();
        }
      }
    }
  }
}

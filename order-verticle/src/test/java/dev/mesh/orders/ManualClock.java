package dev.mesh.orders;

import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link SagaClock} that only moves when a test moves it: {@link #advance} runs the timers that fall due
 * on the way, in time order, each at its own time. With a store and a downstream that answer at once,
 * everything a timer starts has finished when {@code advance} returns.
 */
final class ManualClock implements SagaClock {

  /** Far more timers than any test sets: a loop that sets one timer per firing ends here, not never. */
  private static final int MAX_FIRINGS = 10_000;

  private record Due(long atMs, long id) implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      return atMs != other.atMs ? Long.compare(atMs, other.atMs) : Long.compare(id, other.id);
    }
  }

  private final TreeMap<Due, Runnable> timers = new TreeMap<>();
  private long now = System.currentTimeMillis();
  private long nextId = 1;

  @Override
  public synchronized long nowMs() {
    return now;
  }

  @Override
  public synchronized long setTimer(long delayMs, Runnable action) {
    long id = nextId++;
    timers.put(new Due(now + delayMs, id), action);
    return id;
  }

  @Override
  public synchronized void cancelTimer(long id) {
    timers.keySet().removeIf(due -> due.id() == id);
  }

  /** Moves time on by {@code ms}, running every timer due by then. */
  void advance(long ms) {
    long until = nowMs() + ms;
    for (int fired = 0; fired < MAX_FIRINGS; fired++) {
      Map.Entry<Due, Runnable> next;
      synchronized (this) {
        next = timers.firstEntry();
        if (next == null || next.getKey().atMs() > until) {
          now = until;
          return;
        }
        timers.remove(next.getKey());
        now = next.getKey().atMs();
      }
      next.getValue().run();
    }
    throw new IllegalStateException("more than " + MAX_FIRINGS + " timers fired in " + ms + " ms");
  }
}

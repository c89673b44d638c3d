package dev.logberg.pipeline.watch;

import java.time.Duration;
import java.time.Instant;

/**
 * When {@code watch} runs next: a run every interval from the start of the last one (at once when a
 * run took longer than that), so each table gets at most one publication per interval; upkeep
 * between two runs once its own interval has passed.
 */
public final class Cadence {
  private final Duration runEvery;
  private final Duration upkeepEvery;
  private Instant lastUpkeep;

  /**
   * @param upkeepEvery {@link Duration#ZERO} for no upkeep
   * @param started when watch started: the first upkeep is due one interval later
   */
  public Cadence(Duration runEvery, Duration upkeepEvery, Instant started) {
    this.runEvery = runEvery;
    this.upkeepEvery = upkeepEvery;
    this.lastUpkeep = started;
  }

  /** When the run after one that started at {@code lastStart} starts, seen at {@code now}. */
  public Instant nextRun(Instant lastStart, Instant now) {
    Instant next = lastStart.plus(runEvery);
    return next.isAfter(now) ? next : now;
  }

  /** Whether upkeep is due at {@code now}; if so, it counts as done from now. */
  public boolean upkeepDue(Instant now) {
    if (upkeepEvery.isZero() || now.isBefore(lastUpkeep.plus(upkeepEvery))) {
      return false;
    }
    lastUpkeep = now;
    return true;
  }
}

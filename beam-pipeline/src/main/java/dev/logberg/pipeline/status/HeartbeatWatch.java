package dev.logberg.pipeline.status;

import java.util.HashMap;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Tells live claims from those of dead runs by watching the runs' heartbeats ({@link Heartbeat}).
 *
 * <p>A claim is lapsed when its run's heartbeat is missing (a live run starts beating before it
 * claims, and stops only when it ends), older than the lease by this clock, or has not moved during
 * a whole lease of watching (which needs no agreement between the two runs' clocks). It is live as
 * soon as the heartbeat moves. Until one of these is seen it is undecided: the caller reads again
 * after a while, so a run that finds a dead run's claim waits at most one lease, never hours.
 */
final class HeartbeatWatch {
  private record Sighting(long beat, long seenAtMicros) {}

  private final String ownJobId;
  private final long leaseMicros;
  private final Map<String, Sighting> firstSightings = new HashMap<>();

  HeartbeatWatch(String ownJobId, long leaseMicros) {
    this.ownJobId = ownJobId;
    this.leaseMicros = leaseMicros;
  }

  /**
   * The state of a claim held by {@code jobId}.
   *
   * @param beat the run's latest heartbeat (epoch micros), or null if it has none
   */
  ClaimState observe(String jobId, @Nullable Long beat, long nowMicros) {
    if (jobId.equals(ownJobId)) {
      return ClaimState.OWN;
    }
    if (beat == null || nowMicros - beat > leaseMicros) {
      return ClaimState.LAPSED;
    }
    Sighting first = firstSightings.putIfAbsent(jobId, new Sighting(beat, nowMicros));
    if (first == null) {
      return ClaimState.UNDECIDED;
    }
    if (beat != first.beat()) {
      return ClaimState.LIVE;
    }
    return nowMicros - first.seenAtMicros() > leaseMicros
        ? ClaimState.LAPSED
        : ClaimState.UNDECIDED;
  }
}

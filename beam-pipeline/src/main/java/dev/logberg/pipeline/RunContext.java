package dev.logberg.pipeline;

import java.io.Serializable;
import java.time.Instant;

/**
 * Facts fixed when a run is launched: its id and start time. Every step uses the same values, so
 * rows written by one run agree with each other and a retried bundle cannot change them.
 */
public record RunContext(String jobId, long startedAtMicros) implements Serializable {

  public static RunContext startingNow(String jobId) {
    return new RunContext(jobId, nowMicros());
  }

  /** Wall-clock time in microseconds since the epoch, the unit of every timestamp column. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return Math.addExact(
        Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
  }
}

package dev.logberg.pipeline.status;

import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The latest metadata row of an application: what a run needs to decide whether to process it.
 *
 * @param jobId the run that wrote the row (for PROCESSING: the run holding the claim)
 * @param records rows landed for the application, or null if the row does not say
 * @param rejected lines rejected, or null if the row does not say
 */
public record AppStatus(
    String appId,
    ProcessingStatus status,
    String fingerprint,
    int attempts,
    long updatedAtMicros,
    String jobId,
    @Nullable Long records,
    @Nullable Long rejected)
    implements Serializable {

  /** A status without a run or counts, for rules that need neither. */
  public AppStatus(
      String appId,
      ProcessingStatus status,
      String fingerprint,
      int attempts,
      long updatedAtMicros) {
    this(appId, status, fingerprint, attempts, updatedAtMicros, "", null, null);
  }
}

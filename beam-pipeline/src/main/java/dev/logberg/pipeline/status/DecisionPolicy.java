package dev.logberg.pipeline.status;

import java.io.Serializable;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rules that decide which application folders a run processes (docs/ARCHITECTURE.md, "Which
 * folders a run takes").
 *
 * @param maxAttempts failed runs after which an application is skipped until forced
 * @param leaseMicros how long a PROCESSING mark protects an application from other runs
 * @param reprocessAll process every folder whatever its status
 * @param reprocess application ids to process whatever their status
 */
public record DecisionPolicy(
    int maxAttempts, long leaseMicros, boolean reprocessAll, Set<String> reprocess)
    implements Serializable {

  public DecisionPolicy {
    reprocess = Set.copyOf(reprocess);
  }

  /**
   * Whether and why a run processes the application folder {@code appId}.
   *
   * @param latest the application's latest metadata row, or null if it was never seen
   * @param nowMicros the run's start time
   */
  public Decision decide(
      String appId, String fingerprint, @Nullable AppStatus latest, long nowMicros) {
    if (reprocessAll || reprocess.contains(appId)) {
      return Decision.PROCESS_FORCED;
    }
    if (latest == null) {
      return Decision.PROCESS_NEW;
    }
    return switch (latest.status()) {
      case SUCCESS ->
          fingerprint.equals(latest.fingerprint()) ? Decision.SKIP_DONE : Decision.PROCESS_CHANGED;
      case FAILED ->
          latest.attempts() < maxAttempts
              ? Decision.RETRY_FAILED
              : Decision.SKIP_ATTEMPTS_EXHAUSTED;
      case PROCESSING ->
          nowMicros - latest.updatedAtMicros() > leaseMicros
              ? Decision.TAKE_OVER_EXPIRED
              : Decision.SKIP_IN_PROGRESS;
    };
  }

  /**
   * The attempt number a processing run records: failures and dead runs count towards {@link
   * #maxAttempts}; new data, a first run or an explicit reprocess start counting again.
   */
  public static int attemptOf(Decision decision, @Nullable AppStatus latest) {
    return switch (decision) {
      case RETRY_FAILED, TAKE_OVER_EXPIRED -> {
        if (latest == null) {
          throw new IllegalArgumentException(
              decision + " continues an earlier run, so it needs the application's latest status");
        }
        yield latest.attempts() + 1;
      }
      default -> 1;
    };
  }
}

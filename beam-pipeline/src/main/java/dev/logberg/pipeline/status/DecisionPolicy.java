package dev.logberg.pipeline.status;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rules that decide which application folders a run processes (README, "Which applications and
 * files a run lands"). Which files of a processed folder are landed is {@link FileSelection}'s.
 *
 * @param maxAttempts failed runs after which an application is skipped until forced
 * @param reprocessAll process every folder whatever its status
 * @param reprocess application ids to process whatever their status
 * @param maxApplications most applications one run processes (0: no limit); the others with work
 *     are {@link Decision#SKIP_DEFERRED}, left to the next runs: a backfill in bounded slices
 * @param maxBytes most bytes of application folders one run processes (0: no limit), likewise
 */
public record DecisionPolicy(
    int maxAttempts,
    boolean reprocessAll,
    Set<String> reprocess,
    int maxApplications,
    long maxBytes)
    implements Serializable {

  public DecisionPolicy {
    reprocess = Set.copyOf(reprocess);
  }

  public DecisionPolicy(int maxAttempts, boolean reprocessAll, Set<String> reprocess) {
    this(maxAttempts, reprocessAll, reprocess, 0, 0);
  }

  /**
   * The applications this run processes of those with work: all of them, or the first ones in id
   * order within {@link #maxApplications} and {@link #maxBytes} (at least one, however large): a
   * deterministic slice; each run's slice lands, so the next run's is the next one.
   */
  public <T> List<T> slice(List<T> withWork, Function<T, String> appId, ToLongFunction<T> bytes) {
    if (maxApplications <= 0 && maxBytes <= 0) {
      return withWork;
    }
    List<T> slice = new ArrayList<>();
    long total = 0;
    for (T app : withWork.stream().sorted(Comparator.comparing(appId)).toList()) {
      long size = bytes.applyAsLong(app);
      if ((maxApplications > 0 && slice.size() >= maxApplications)
          || (maxBytes > 0 && !slice.isEmpty() && total + size > maxBytes)) {
        break;
      }
      slice.add(app);
      total += size;
    }
    return slice.size() == withWork.size() ? withWork : slice;
  }

  /**
   * Whether and why a run processes the application folder {@code appId}.
   *
   * @param latest the application's latest metadata row, or null if it was never seen
   * @param claim what is known of the run holding its claim ({@link ClaimState#NONE} unless the
   *     latest status is PROCESSING); must not be {@link ClaimState#UNDECIDED}
   */
  public Decision decide(
      String appId, String fingerprint, @Nullable AppStatus latest, ClaimState claim) {
    if (claim == ClaimState.UNDECIDED) {
      throw new IllegalArgumentException(
          "the claim on " + appId + " must be watched until it is known to be live or lapsed");
    }
    boolean claimed = latest != null && latest.status() == ProcessingStatus.PROCESSING;
    if (claimed && claim == ClaimState.LIVE) {
      return Decision.SKIP_CLAIMED; // exclusive even for --reprocess: two runs would collide
    }
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
          claim == ClaimState.OWN ? Decision.RESUME_OWN_CLAIM : Decision.TAKE_OVER_LAPSED;
    };
  }

  /**
   * The skip that holds whoever claims what: the claim step's first pass over the statuses of the
   * applications found, before it reads claims and heartbeats. Null when the claim must decide.
   */
  public @Nullable Decision settledSkip(
      String appId, String fingerprint, @Nullable AppStatus latest) {
    if (latest == null || latest.status() == ProcessingStatus.PROCESSING) {
      return null;
    }
    Decision decision = decide(appId, fingerprint, latest, ClaimState.NONE);
    return decision.process() ? null : decision;
  }

  /**
   * The attempt number a processing run records: failures and dead runs count towards {@link
   * #maxAttempts}; new data, a first run or an explicit reprocess start counting again.
   */
  public static int attemptOf(Decision decision, @Nullable AppStatus latest) {
    return switch (decision) {
      case RETRY_FAILED, TAKE_OVER_LAPSED, RESUME_OWN_CLAIM -> {
        if (latest == null) {
          throw new IllegalArgumentException(
              decision + " continues an earlier run, so it needs the application's latest status");
        }
        yield decision == Decision.RESUME_OWN_CLAIM ? latest.attempts() : latest.attempts() + 1;
      }
      default -> 1;
    };
  }
}

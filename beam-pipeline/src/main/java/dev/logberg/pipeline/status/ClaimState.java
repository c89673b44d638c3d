package dev.logberg.pipeline.status;

/** What is known of the run that holds an application's PROCESSING claim. */
public enum ClaimState {
  /** The application is not claimed (its latest status is not PROCESSING). */
  NONE,
  /** Claimed by the run that is deciding. */
  OWN,
  /** Claimed by another run that keeps refreshing its heartbeat. */
  LIVE,
  /** Claimed by a run whose heartbeat stopped or vanished: it died. */
  LAPSED,
  /** Claimed by another run whose heartbeat has not yet been watched long enough to tell. */
  UNDECIDED
}

package dev.logberg.pipeline.status;

/** What a run does with an application folder, and why. */
public enum Decision {
  /** Never landed: all its files. */
  PROCESS_NEW(true),
  /** Landed before and its folder changed: the files not landed yet (or whose size changed). */
  PROCESS_CHANGED(true),
  /** The last run failed and attempts remain: the files not landed yet. */
  RETRY_FAILED(true),
  /** Claimed by a run that stopped refreshing its claim (it died): the files not landed yet. */
  TAKE_OVER_LAPSED(true),
  /** Claimed by this same run (a retried step): the files not landed yet. */
  RESUME_OWN_CLAIM(true),
  /** Named by --reprocess or --reprocessAll: all its files again. */
  PROCESS_FORCED(true),
  SKIP_DONE(false),
  SKIP_ATTEMPTS_EXHAUSTED(false),
  /** Claimed by another run that is alive. */
  SKIP_CLAIMED(false),
  /** Has work, left to a later run: this run took --maxApplications applications already. */
  SKIP_DEFERRED(false);

  private final boolean process;

  Decision(boolean process) {
    this.process = process;
  }

  public boolean process() {
    return process;
  }

  /** Whether every file is landed, rather than only those not landed before. */
  public boolean allFiles() {
    return this == PROCESS_NEW || this == PROCESS_FORCED;
  }
}

package dev.logberg.pipeline.status;

/** What a run does with an application folder, and why. */
public enum Decision {
  PROCESS_NEW(true),
  PROCESS_CHANGED(true),
  RETRY_FAILED(true),
  TAKE_OVER_EXPIRED(true),
  PROCESS_FORCED(true),
  SKIP_DONE(false),
  SKIP_ATTEMPTS_EXHAUSTED(false),
  SKIP_IN_PROGRESS(false);

  private final boolean process;

  Decision(boolean process) {
    this.process = process;
  }

  public boolean process() {
    return process;
  }
}

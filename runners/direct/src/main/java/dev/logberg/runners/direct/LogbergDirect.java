package dev.logberg.runners.direct;

import dev.logberg.pipeline.Main;

/** Entry point of {@code logberg-direct.jar}: the pipeline on the DirectRunner, in this JVM. */
public final class LogbergDirect {
  private LogbergDirect() {}

  public static void main(String[] args) {
    // The DirectRunner's immutability and encodability checks copy and re-encode every element to
    // catch DoFn bugs; the test suite keeps them on, a production run of the same DoFns does not
    // pay for them (~35% of the time, BENCHMARKS.md). It has no backpressure either: every group
    // being read keeps chunks in memory until they are written, so a few groups bound the memory of
    // a large input.
    Main.main(
        Main.withDefaults(
            args,
            "--runner=DirectRunner",
            "--enforceImmutability=false",
            "--enforceEncodability=false",
            "--readGroups=4"));
  }
}

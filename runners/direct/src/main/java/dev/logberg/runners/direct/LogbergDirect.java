package dev.logberg.runners.direct;

import dev.logberg.pipeline.Main;

/** Entry point of {@code logberg-direct.jar}: the pipeline on the DirectRunner, in this JVM. */
public final class LogbergDirect {
  private LogbergDirect() {}

  public static void main(String[] args) {
    Main.main(Main.withDefaults(args, "--runner=DirectRunner"));
  }
}

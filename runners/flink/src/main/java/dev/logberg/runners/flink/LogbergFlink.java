package dev.logberg.runners.flink;

import dev.logberg.pipeline.Main;

/** Entry point of {@code logberg-flink.jar}: {@code java -jar} (local mini-cluster) and the Flink operator. */
public final class LogbergFlink {
  private LogbergFlink() {}

  public static void main(String[] args) {
    // Flink's batch GroupByKey gives a one-pass Iterable unless asked; Iceberg's commit step iterates its group twice.
    int code = Main.run(Main.withDefaults(args, "--runner=FlinkRunner", "--reIterableGroupByKeyResult=true"), System.out);
    if (code != Main.OK) {
      // In application mode an exception, not System.exit, marks the Flink application FAILED: a job manager that
      // exits is restarted by Kubernetes and runs the job again.
      throw new IllegalStateException("Logberg ended with exit code " + code + "; its output above says why");
    }
  }
}

package dev.logberg.runners.flink;

import dev.logberg.pipeline.Main;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code logberg-flink.jar}: {@code java -jar} (local mini-cluster) and the Flink
 * operator's application mode.
 *
 * <p>Under {@code java -jar} the JVM exits with Logberg's exit code. Inside Flink (application
 * mode, or a Flink client such as {@code flink run}) the JVM is Flink's and must not be exited. In
 * application mode Flink's {@code ApplicationDispatcherBootstrap} runs this {@code main} and then
 * decides how the application ends; what {@code main} does after the job was submitted decides
 * between a clean end and a restart loop (see README, "Exit codes on Flink"):
 *
 * <ul>
 *   <li>The job FINISHED: return normally, also when some applications were recorded FAILED (they
 *       are in the metadata table and the next run retries them). The Flink application ends
 *       FINISHED.
 *   <li>The job was submitted and FAILED: return normally. The bootstrap reads the job's result and
 *       ends the application FAILED with the job's exception in the job manager log. Throwing here
 *       instead would count as "application failed unexpectedly": the job manager exits, Kubernetes
 *       restarts it and the job runs again.
 *   <li>Nothing was submitted (bad options, an unreachable catalog): throw. With the fixed job id
 *       the operator sets and {@code execution.submit-failed-job-on-application-error}, Flink
 *       records one FAILED job carrying this exception, and the application ends FAILED once.
 * </ul>
 */
public final class LogbergFlink {
  private static final Logger LOG = LoggerFactory.getLogger(LogbergFlink.class);

  private LogbergFlink() {}

  public static void main(String[] args) throws Exception {
    if (!hostedByFlink()) {
      System.exit(onItsOwn(args));
    }
    if (args.length > 0 && args[0].equals("watch")) {
      // Under the operator Flink allows one job per application
      // (ApplicationDispatcherBootstrap#fixJobIdAndRunApplicationAsync): the second run would fail.
      throw new IllegalStateException(
          "watch runs a Flink job every interval, and a Flink application runs one job: run watch"
              + " with `java -jar logberg-flink.jar watch` on its own local cluster (`launch"
              + " --continuous --target flink-k8s` renders that as a Deployment), and `run` in a"
              + " FlinkDeployment");
    }
    Main.Outcome outcome = execute(args);
    switch (outcome.exitCode()) {
      case Main.OK -> {}
      case Main.BLOCKED ->
          LOG.warn(
              "The Flink job finished without landing anything: other live runs hold the claims"
                  + " (see the summary above)");
      case Main.APPS_FAILED ->
          LOG.error(
              "The Flink job finished, but some applications were recorded FAILED in the"
                  + " metadata table (see the summary above); the next run retries them");
      default -> {
        if (outcome.failure() != null && jobRan(outcome.failure())) {
          LOG.error(
              "The Flink job failed; Flink ends this application FAILED with the job's exception");
          return;
        }
        String reason =
            outcome.failure() == null
                ? "see the output above"
                : Main.rootMessage(outcome.failure());
        throw new IllegalStateException(
            "Logberg ended with exit code " + outcome.exitCode() + " before its job ran: " + reason,
            outcome.failure());
      }
    }
  }

  /**
   * {@code java -jar}: a {@code watch} on a local cluster keeps one for the process (see {@link
   * ProcessCluster}); returns the exit code.
   */
  private static int onItsOwn(String[] args) throws Exception {
    try (ProcessCluster cluster = ProcessCluster.startFor(args)) {
      return execute(cluster == null ? args : cluster.args(args)).exitCode();
    }
  }

  private static Main.Outcome execute(String[] args) {
    // Flink's batch GroupByKey gives a one-pass Iterable unless asked; Iceberg's commit step
    // iterates its group twice.
    return Main.execute(
        Main.withDefaults(args, "--runner=FlinkRunner", "--reIterableGroupByKeyResult=true"),
        System.out,
        FlinkJobProgress::counters);
  }

  /**
   * Flink's client code installs a context environment before it calls {@code main}; {@code java
   * -jar} does not.
   */
  private static boolean hostedByFlink() {
    return StreamExecutionEnvironment.getExecutionEnvironment() instanceof StreamContextEnvironment;
  }

  /**
   * A {@link JobExecutionException} is what a submitted job that did not finish reports back to its
   * client.
   */
  private static boolean jobRan(Throwable failure) {
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof JobExecutionException) {
        return true;
      }
    }
    return false;
  }
}

package dev.logberg.testdata;

import static dev.logberg.testdata.SparkLoggers.*;

import java.util.SplittableRandom;

/**
 * The startup sequences of a driver and an executor pod: fixed events in a fixed order, drawing
 * from the pod's random source exactly as the rest of its log does.
 */
final class StartupMessages {
  /** Events a driver logs before its executors register. */
  static final int DRIVER_FIXED_EVENTS = 7;

  /** Events an executor logs at startup. */
  static final int EXECUTOR_EVENTS = 6;

  private StartupMessages() {}

  /**
   * The driver's {@code step}th startup event: the fixed ones, then one per registered executor.
   */
  static void driver(LogEvent ev, int step, PodContext ctx, SplittableRandom rnd) {
    String version = ctx.app.sparkVersion();
    switch (step) {
      case 0 ->
          ev.start(Level.INFO, SPARK_CONTEXT, "main", 1)
              .append("Running Spark version ")
              .append(version);
      case 1 ->
          ev.start(Level.INFO, SPARK_CONTEXT, "main", 1)
              .append("Submitted application: ")
              .append(ctx.app.appName());
      case 2 ->
          ev.start(Level.INFO, UTILS, "main", 1)
              .append("Successfully started service 'sparkDriver' on port 7078.");
      case 3 -> ev.start(Level.INFO, SPARK_ENV, "main", 1).append("Registering MapOutputTracker");
      case 4 -> ev.start(Level.INFO, SPARK_ENV, "main", 1).append("Registering BlockManagerMaster");
      case 5 ->
          ev.start(Level.INFO, SPARK_CONTEXT, "main", 1)
              .append("Added JAR local:///opt/spark/jars/")
              .append(ctx.app.appName())
              .append("-assembly-1.4.2.jar at file:/opt/spark/jars/")
              .append(ctx.app.appName())
              .append("-assembly-1.4.2.jar");
      case 6 ->
          ev.start(Level.INFO, PODS_ALLOCATOR, "kubernetes-executor-snapshots-subscribers-0", 52)
              .append("Going to request ")
              .append(ctx.executorCount())
              .append(" executors from Kubernetes for ResourceProfile Id: 0, target: ")
              .append(ctx.executorCount())
              .append(", known: 0, sharedSlotFromPendingPods: 2147483647.");
      default -> registeredExecutor(ev, step - DRIVER_FIXED_EVENTS + 1, ctx, rnd);
    }
  }

  /** The driver's event for an executor that registered. */
  static void registeredExecutor(
      LogEvent ev, int executorId, PodContext ctx, SplittableRandom rnd) {
    ev.start(Level.INFO, K8S_BACKEND, "dispatcher-CoarseGrainedScheduler", 37)
        .append("Registered executor NettyRpcEndpointRef(spark-client://Executor) (")
        .append(ctx.executor(executorId).ip())
        .append(':')
        .append(40_000 + rnd.nextInt(9_000))
        .append(") with ID ")
        .append(executorId)
        .append(",  ResourceProfileId 0");
  }

  /** An executor's {@code step}th startup event. */
  static void executor(LogEvent ev, int step, PodContext ctx, SplittableRandom rnd) {
    int id = ctx.pod.executorId();
    switch (step) {
      case 0 ->
          ev.start(Level.INFO, EXECUTOR_BACKEND, "main", 1)
              .append("Started daemon with process name: ")
              .append(14 + rnd.nextInt(20))
              .append('@')
              .append(ctx.pod.podName());
      case 1 ->
          ev.start(Level.INFO, "org.apache.spark.util.SignalUtils", "main", 1)
              .append("Registering signal handler for TERM");
      case 2 ->
          ev.start(Level.INFO, CLIENT_FACTORY, "netty-rpc-connection-0", 24)
              .append("Successfully created connection to ")
              .append(ctx.driverService())
              .append('/')
              .append(ctx.driver().ip())
              .append(":7078 after ")
              .append(40 + rnd.nextInt(200))
              .append(" ms (0 ms spent in bootstraps)");
      case 3 ->
          ev.start(Level.INFO, EXECUTOR_BACKEND, "main", 1)
              .append("Connecting to driver: spark://CoarseGrainedScheduler@")
              .append(ctx.driverService())
              .append(":7078");
      case 4 ->
          ev.start(Level.INFO, EXECUTOR_BACKEND, "dispatcher-Executor", 30)
              .append("Successfully registered with driver");
      default ->
          ev.start(Level.INFO, EXECUTOR, "dispatcher-Executor", 30)
              .append("Starting executor ID ")
              .append(id)
              .append(" on host ")
              .append(ctx.pod.ip());
    }
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path on Spark: the SparkApplication the launcher renders for {@code spark-k8s},
 * submitted in cluster deploy mode to a standalone cluster of separate JVMs ({@link
 * SparkStandalone}): the driver on one worker, two executors of one core on two workers, so every
 * task, shuffle and result is serialized between processes. It lands what the Direct jar lands.
 */
class SparkClusterIT {
  @TempDir static Path dir;

  @Test
  void clusterModeLandsWhatTheDirectJarLandsAndEndsFailedForEveryOtherExitCode() throws Exception {
    Path input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
    Warehouse direct = new Warehouse(dir.resolve("direct").resolve("warehouse"), input);
    RunnerJar.Run reference = RunnerJar.DIRECT.run(direct.logs(), "run", direct.args());
    assertThat(reference.output(), reference.exitCode(), is(0));

    Warehouse cluster = new Warehouse(dir.resolve("cluster").resolve("warehouse"), input);
    Map<String, Object> manifest =
        RenderedLaunch.render(
            dir,
            "spark-k8s",
            "logberg-cluster",
            List.of("input=" + input, "warehouse=" + cluster.path(), "progressSeconds=0"));
    // A second application on the same cluster: one application recorded FAILED (exit code 3).
    Path tree = dir.resolve("partly-failed").resolve("spark-team-a");
    Path corrupt = Warehouse.copyTestdataWithATruncatedFile(tree);
    Warehouse partly = new Warehouse(dir.resolve("partly-failed").resolve("warehouse"), tree);
    Map<String, Object> partlyManifest =
        RenderedLaunch.render(
            dir,
            "spark-k8s",
            "logberg-partly-failed",
            List.of("input=" + tree, "warehouse=" + partly.path(), "progressSeconds=0"));
    // A third: the job fails (its catalog refuses connections), exit code 1.
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Map<String, Object> failingManifest =
        RenderedLaunch.render(
            dir,
            "spark-k8s",
            "logberg-failing",
            List.of(
                "input=" + input,
                "warehouse=" + dir.resolve("failing").resolve("warehouse"),
                "catalogType=rest",
                "catalogUri=http://127.0.0.1:" + closed));
    // A fourth: bad options (its input folder does not exist), exit code 2.
    Map<String, Object> badManifest =
        RenderedLaunch.render(
            dir,
            "spark-k8s",
            "logberg-bad",
            List.of(
                "input=" + dir.resolve("no-such-folder"),
                "warehouse=" + dir.resolve("bad").resolve("warehouse")));
    SparkStandalone.Driver driver;
    SparkStandalone.Driver partlyFailed;
    SparkStandalone.Driver failing;
    SparkStandalone.Driver bad;
    SparkStandalone.Driver held;
    try (SparkStandalone spark = SparkStandalone.start(dir.resolve("spark"), 2)) {
      driver = spark.submit(manifest);
      partlyFailed = spark.submit(partlyManifest);
      failing = spark.submit(failingManifest);
      bad = spark.submit(badManifest);
      held = submitWhileAnotherRunHoldsTheClaims(spark, input);
    }
    // Code 4: the application ends FAILED, having landed nothing, and says why.
    assertThat(held.output(), held.state(), is("FAILED"));
    assertThat(held.output(), containsString("SKIP_CLAIMED=5"));
    assertThat(
        held.output(), containsString("Nothing landed: 5 applications with work are claimed"));
    // Code 2: FAILED, the bad option named.
    assertThat(bad.output(), bad.state(), is("FAILED"));
    assertThat(bad.output(), containsString("--input: folder"));
    assertThat(bad.output(), containsString("does not exist"));
    // README "Exit codes on Spark": code 1 ends the application FAILED, the reason in the driver
    // log.
    assertThat(failing.output(), failing.state(), is("FAILED"));
    assertThat(failing.output(), containsString("Cannot prepare the tables"));
    assertThat(failing.output(), containsString("Connection refused"));
    assertThat(failing.output(), not(containsString("finished in")));
    // README "Exit codes on Spark": code 3 ends the application FAILED, the failure recorded.
    assertThat(partlyFailed.output(), partlyFailed.state(), is("FAILED"));
    assertThat(partlyFailed.output(), containsString("applications: 4 succeeded, 1 failed"));
    List<String> failed = partly.dump().stream().filter(l -> l.contains("\tFAILED\t")).toList();
    assertThat(failed.toString(), failed.size(), is(1));
    assertThat(failed.get(0), containsString(corrupt.getFileName().toString()));

    assertThat(driver.output(), driver.state(), is("FINISHED"));
    assertThat(driver.output(), containsString("applications: 5 succeeded, 0 failed"));
    assertThat(
        "the run's id starts with the resource name",
        driver.output(),
        containsString("Run logberg-cluster-"));
    assertThat("executors on both workers", driver.executorWorkers(), is(2));
    assertThat("Spark cluster mode = Direct", cluster.dump(), is(direct.dump()));
  }

  /**
   * Submits a run over {@code input} while a Direct run, held at its claims and beating its
   * heartbeat every ten seconds, holds every application: the submitted run has nothing to land.
   */
  private static SparkStandalone.Driver submitWhileAnotherRunHoldsTheClaims(
      SparkStandalone spark, Path input) throws Exception {
    Path work = dir.resolve("held");
    try (RestCatalogServer catalog = new RestCatalogServer(work.resolve("warehouse"))) {
      Warehouse lake = new Warehouse(work.resolve("warehouse"), input, catalog.args());
      RunnerJar.Started holder =
          RunnerJar.DIRECT.start(
              lake.logs(),
              List.of("-Dlogberg.faultPoint=claimed"),
              "run",
              lake.args("--heartbeatSeconds=10"));
      try {
        holder.awaitOutput("FAULT POINT claimed reached");
        List<String> params = lake.args().stream().map(a -> a.substring(2)).toList();
        return spark.submit(RenderedLaunch.render(dir, "spark-k8s", "logberg-held", params));
      } finally {
        holder.process().destroyForcibly().waitFor();
      }
    }
  }
}

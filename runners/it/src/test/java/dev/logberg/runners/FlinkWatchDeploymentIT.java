package dev.logberg.runners;

import static dev.logberg.runners.Trickle.awaitLanded;
import static dev.logberg.runners.Trickle.drop;
import static dev.logberg.runners.Trickle.killedThenRestarted;
import static dev.logberg.runners.Trickle.rounds;
import static dev.logberg.runners.Trickle.runsThatLanded;
import static dev.logberg.runners.Trickle.stopThenCompare;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch} as it runs on Kubernetes: the Deployment that {@code launch --continuous --target
 * flink-k8s} renders, its container's command run as the pod runs it ({@link WatchPod}), killed
 * (SIGKILL, as an OOM kill or a lost node does) in a run with rows staged, started again (the
 * Deployment's restart) while files arrive, then stopped as a deleted pod is (SIGTERM), within its
 * grace period. Every line lands once, and all the runs of the process ran on one local Flink
 * cluster: one RPC class loader after them all. Beam's {@code [local]} starts a cluster per run and
 * left each landing run's reachable, so an hour of {@code watch} grew to 2.25 GB.
 *
 * <p>As deployed: a catalog service (a REST catalog here, Glue on AWS), and the rendered heartbeat
 * (every ten seconds, claims live for thirty after a beat), so the class can share the machine with
 * another (runners/it's pom.xml). The restarted pod waits for the killed one's claims to lapse, as
 * on a cluster.
 */
class FlinkWatchDeploymentIT {
  /** How many finished jobs' archived graphs the process's cluster keeps. */
  private static final int KEPT_JOBS = 8;

  /** A run's line on standard output starts with its time ("10:00:04 3 files waiting: ..."). */
  private static final Pattern RUN = Pattern.compile("(?m)^\\d{2}:\\d{2}:\\d{2} ");

  @Test
  void landsExactlyOnOneLocalClusterAcrossAKillAndARestart(@TempDir Path dir) throws Exception {
    List<List<Path>> rounds = rounds(5);
    Path input = Files.createDirectories(dir.resolve("spark-team-a"));
    try (RestCatalogServer catalog = new RestCatalogServer(dir.resolve("warehouse"))) {
      Warehouse lake = new Warehouse(dir.resolve("warehouse"), input, catalog.args());
      List<String> params = lake.args().stream().map(a -> a.substring(2)).toList();
      WatchPod pod =
          new WatchPod(
              RenderedLaunch.render(
                  dir, "flink-k8s", "logberg-watch", params, List.of("--continuous")),
              lake.logs());
      Trickle.Restarted restarted = killedThenRestarted(pod::start, rounds, input);
      RunnerJar.Started watch = restarted.watch();
      int dropped = restarted.dropped();
      for (int round = 2; round < rounds.size(); round++) {
        dropped += drop(rounds.get(round), input);
        awaitLanded(watch, dropped);
      }
      // More runs than the cluster keeps finished jobs of (ProcessCluster).
      while (runs(watch.output()) < KEPT_JOBS + 4) {
        assertThat(watch.output(), watch.process().isAlive(), is(true));
        Thread.sleep(200);
      }
      String histogram = RunnerJar.jcmd(watch.process().pid(), "GC.class_histogram");
      assertThat(
          "the archived graphs of the last " + KEPT_JOBS + " jobs only:\n" + histogram,
          instances(histogram, "org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph"),
          lessThanOrEqualTo(KEPT_JOBS));
      String loaders = RunnerJar.jcmd(watch.process().pid(), "VM.classloader_stats");
      assertThat(
          "one local cluster's RPC class loader after "
              + runsThatLanded(watch.output())
              + " landing runs:\n"
              + loaders,
          loaders.lines().filter(l -> l.contains("SubmoduleClassLoader")).count(),
          is(1L));
      stopThenCompare(watch, pod.graceSeconds(), lake, dir);
    }
  }

  private static long runs(String output) {
    return RUN.matcher(output).results().count();
  }

  /** The instances of {@code className} in a {@code GC.class_histogram}. */
  private static int instances(String histogram, String className) {
    return histogram
        .lines()
        .map(String::trim)
        .map(l -> l.split("\\s+"))
        .filter(f -> f.length >= 4 && f[3].equals(className))
        .mapToInt(f -> Integer.parseInt(f[1]))
        .sum();
  }
}

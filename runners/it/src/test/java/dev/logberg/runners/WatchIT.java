package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous landing the way it runs: a forked Direct jar's {@code watch} while a writer drops
 * application folders and files into its input, killed with SIGKILL in a run whose rows are staged
 * but not published, restarted while files keep arriving, then stopped with SIGTERM. Every line
 * lands exactly once: the tables equal one batch run's over the whole tree, and every snapshot of
 * the data table holds each key once.
 */
class WatchIT {
  /** Claims of a killed watch lapse after three seconds without a beat. */
  private static final String HEARTBEAT = "--heartbeatSeconds=1";

  private static final String EVERY = "--commitEverySeconds=2";

  /** How long a Direct {@code watch} may take to end its run in progress after SIGTERM. */
  private static final int STOP_SECONDS = 120;

  /** A run's line: "3 files waiting (the oldest for 2 s): landed ...". */
  private static final Pattern LANDED = Pattern.compile("(\\d+) files? waiting");

  @Test
  void everyLineLandsOnceWhileFilesArriveAcrossKillsAndRestarts(@TempDir Path dir)
      throws Exception {
    List<List<Path>> rounds = rounds(5);
    Path input = Files.createDirectories(dir.resolve("spark-team-a"));
    Warehouse lake = new Warehouse(dir.resolve("warehouse"), input);
    Restarted restarted =
        killedThenRestarted(
            jvm -> RunnerJar.DIRECT.start(lake.logs(), jvm, "watch", watch(lake)), rounds, input);
    RunnerJar.Started watch = restarted.watch();
    // New application folders, then their folders grow, while it runs.
    int dropped = restarted.dropped();
    for (int round = 2; round < rounds.size(); round++) {
      dropped += drop(rounds.get(round), input);
      Thread.sleep(1_000);
    }
    awaitLanded(watch, dropped);
    assertThat(
        "runs that landed files\n" + watch.output(),
        runsThatLanded(watch.output()),
        greaterThan(1));
    // With nothing new, the next run adds no snapshot to any table.
    List<Long> landed = lake.snapshots();
    int idle = idleRuns(watch.output());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (idleRuns(watch.output()) == idle && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(watch.output(), idleRuns(watch.output()), greaterThan(idle));
    assertThat("snapshots after an idle run", lake.snapshots(), is(landed));
    stopThenCompare(watch, STOP_SECONDS, lake, dir);
  }

  /**
   * {@code watch} as it runs on Kubernetes: the Deployment that {@code launch --continuous --target
   * flink-k8s} renders, its container's command run as the pod runs it ({@link WatchPod}), killed
   * (SIGKILL, as an OOM kill or a lost node does) in a run with rows staged, started again (the
   * Deployment's restart) while files arrive, then stopped as a deleted pod is (SIGTERM), within
   * its grace period. Every line lands once, and all the runs of the process ran on one local Flink
   * cluster: one RPC class loader after them all. Beam's {@code [local]} starts a cluster per run
   * and left each landing run's reachable, so an hour of {@code watch} grew to 2.25 GB.
   */
  @Test
  void theFlinkDeploymentOfWatchLandsExactlyOnOneClusterAcrossAKill(@TempDir Path dir)
      throws Exception {
    List<List<Path>> rounds = rounds(5);
    Path input = Files.createDirectories(dir.resolve("spark-team-a"));
    Warehouse lake = new Warehouse(dir.resolve("warehouse"), input);
    List<String> params = lake.args(HEARTBEAT).stream().map(a -> a.substring(2)).toList();
    WatchPod pod =
        new WatchPod(
            RenderedLaunch.render(
                dir, "flink-k8s", "logberg-watch", params, List.of("--continuous")),
            lake.logs());
    Restarted restarted = killedThenRestarted(pod::start, rounds, input);
    RunnerJar.Started watch = restarted.watch();
    int dropped = restarted.dropped();
    for (int round = 2; round < rounds.size(); round++) {
      dropped += drop(rounds.get(round), input);
      awaitLanded(watch, dropped);
    }
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

  /** How a test starts {@code watch}, with JVM options (a fault point) before its jar. */
  private interface Launch {
    RunnerJar.Started start(List<String> jvmOptions) throws IOException;
  }

  /** A {@code watch} started after a killed one, and the files dropped so far, all landed. */
  private record Restarted(RunnerJar.Started watch, int dropped) {}

  /**
   * Starts {@code watch} and kills it (SIGKILL: no heartbeat removal, claims held) in its first
   * run, which staged the first round's rows and has not published them, while the second round
   * arrives; then starts it again, which repairs the killed run and lands both rounds.
   */
  private static Restarted killedThenRestarted(Launch launch, List<List<Path>> rounds, Path input)
      throws Exception {
    RunnerJar.Started doomed = launch.start(List.of("-Dlogberg.faultPoint=staged"));
    int dropped = drop(rounds.get(0), input);
    doomed.awaitOutput("FAULT POINT staged reached");
    dropped += drop(rounds.get(1), input);
    doomed.process().destroyForcibly();
    doomed.process().waitFor();
    RunnerJar.Started watch = launch.start(List.of());
    awaitLanded(watch, dropped);
    return new Restarted(watch, dropped);
  }

  /**
   * Stops {@code watch} with SIGTERM, which lets the run in progress end within {@code
   * graceSeconds}, then checks that the tables equal one batch run's over the whole tree and that
   * every snapshot holds each key once.
   */
  private static void stopThenCompare(
      RunnerJar.Started watch, int graceSeconds, Warehouse lake, Path dir) throws Exception {
    watch.process().destroy();
    assertThat(
        "watch ended within " + graceSeconds + " s of SIGTERM",
        watch.process().waitFor(graceSeconds, TimeUnit.SECONDS),
        is(true));
    RunnerJar.Run stopped = watch.finish();
    assertThat(stopped.output(), stopped.exitCode(), is(0));
    assertThat(stopped.output(), containsString("watch stopped after"));

    Warehouse batch = new Warehouse(dir.resolve("batch"), lake.input());
    RunnerJar.Run reference = RunnerJar.DIRECT.run(batch.logs(), "run", batch.args());
    assertThat(reference.output(), reference.exitCode(), is(0));
    assertThat(lake.landed(), is(batch.landed()));
    assertThat("applications not SUCCESS", lake.notSucceeded(), is(empty()));
    SnapshotKeys.assertDistinct(lake, null);
  }

  private static List<String> watch(Warehouse lake) {
    return lake.args(EVERY, HEARTBEAT);
  }

  /** testdata/'s files in {@code count} rounds: file i in round i mod count, in name order. */
  private static List<List<Path>> rounds(int count) throws IOException {
    List<List<Path>> rounds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rounds.add(new ArrayList<>());
    }
    try (Stream<Path> files = Files.walk(Warehouse.TESTDATA)) {
      List<Path> all =
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> Warehouse.TESTDATA.relativize(p).getName(0).toString().startsWith("spark-"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
      for (int i = 0; i < all.size(); i++) {
        rounds.get(i % count).add(all.get(i));
      }
    }
    return rounds;
  }

  /**
   * Puts {@code files} into {@code input} the way Fluent Bit's S3 output does: each object appears
   * whole (written beside it, then moved in), never rewritten.
   */
  private static int drop(List<Path> files, Path input) throws IOException {
    for (Path from : files) {
      Path to = input.resolve(Warehouse.TESTDATA.relativize(from).toString());
      Files.createDirectories(to.getParent());
      Path partial = to.resolveSibling("." + to.getFileName() + ".part");
      Files.copy(from, partial);
      Files.move(partial, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return files.size();
  }

  /** Waits until the runs of {@code watch} have landed {@code files} files in total. */
  private static void awaitLanded(RunnerJar.Started watch, int files) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (landed(watch.output()) < files) {
      assertThat(watch.output(), watch.process().isAlive(), is(true));
      assertThat(
          "landed " + files + " files in 3 minutes:\n" + watch.output(),
          System.nanoTime() < deadline,
          is(true));
      Thread.sleep(200);
    }
    assertThat(watch.output(), landed(watch.output()), is(files));
  }

  private static int idleRuns(String output) {
    return output.split("no file waiting", -1).length - 1;
  }

  private static int runsThatLanded(String output) {
    return (int) LANDED.matcher(output).results().count();
  }

  private static int landed(String output) {
    Matcher m = LANDED.matcher(output);
    int files = 0;
    while (m.find()) {
      files += Integer.parseInt(m.group(1));
    }
    return files;
  }
}

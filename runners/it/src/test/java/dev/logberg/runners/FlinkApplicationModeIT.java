package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path on Flink: the FlinkDeployment the launcher renders for {@code flink-k8s}, run
 * as the operator runs it (application mode, see {@link ApplicationCluster}). A successful run
 * lands what the Direct jar lands and a second run changes nothing; a failed or partly failed run
 * ends the application once, in the state README's "Exit codes on Flink" documents, with the job
 * manager still up (one that exits is restarted and runs it again).
 */
class FlinkApplicationModeIT {
  @TempDir static Path dir;
  private static Path input;

  /** What the Direct jar lands from {@link #input}: the tables every successful run must equal. */
  private static List<String> directDump;

  private static List<String> directLanded;

  @BeforeAll
  static void landWithTheDirectJar() throws Exception {
    input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
    Warehouse direct = new Warehouse(dir.resolve("direct").resolve("warehouse"), input);
    RunnerJar.Run reference = RunnerJar.DIRECT.run(direct.logs(), "run", direct.args());
    assertThat(reference.output(), reference.exitCode(), is(0));
    directDump = direct.dump();
    directLanded = direct.landed();
  }

  @Test
  void landsWhatTheDirectJarLandsAndASecondRunChangesNothing() throws Exception {
    Warehouse flink = new Warehouse(dir.resolve("flink-app").resolve("warehouse"), input);
    Map<String, Object> manifest =
        ApplicationCluster.render(
            Files.createDirectories(dir.resolve("flink-app")),
            "logberg-app-mode",
            List.of("input=" + input, "warehouse=" + flink.path(), "progressSeconds=1"));

    ApplicationCluster.Ending first =
        ApplicationCluster.run(manifest, dir.resolve("flink-app"), AS_RENDERED);
    assertFinished(first);
    for (String taskManagerLog : first.taskManagerLogs()) {
      assertThat(
          "each task manager ran subtasks of the job:\n" + taskManagerLog,
          taskManagerLog,
          containsString("Received task"));
    }
    assertThat(first.jobManagerLog(), containsString("applications: 5 succeeded, 0 failed"));
    assertThat(
        "live progress from the task managers' counters in\n" + first.jobManagerLog(),
        PROGRESS_FROM_WORKERS.matcher(first.jobManagerLog()).find(),
        is(true));
    assertThat("Flink application mode = Direct", flink.dump(), is(directDump));

    List<Long> snapshots = flink.snapshots();
    ApplicationCluster.Ending second = ApplicationCluster.run(manifest, dir.resolve("flink-app"));
    assertFinished(second);
    assertThat(second.jobManagerLog(), containsString("{SKIP_DONE=5}"));
    assertThat("no table changed", flink.snapshots(), is(snapshots));
  }

  /**
   * A task manager killed (SIGKILL) while it reads: with the rendered {@code restart-strategy.type:
   * none} the job ends FAILED once, the job manager stays up, and the next launch of the same
   * manifest lands exactly what the Direct jar lands (the failed run's claims lapsed when its
   * {@code main} returned). The killed run's cluster beats every second (Flink's default is every
   * ten): the job manager finds the dead task manager after two failed heartbeat calls, not twenty
   * seconds later; the timeout for a silent one stays Flink's default.
   */
  @Test
  void aKilledTaskManagerFailsTheRunOnceAndTheNextLaunchLandsExactly() throws Exception {
    Path work = Files.createDirectories(dir.resolve("killed"));
    Warehouse warehouse = new Warehouse(work.resolve("warehouse"), input);
    Map<String, Object> manifest =
        ApplicationCluster.render(work, "logberg-killed", params(warehouse.path(), input));

    ApplicationCluster.Ending killed =
        ApplicationCluster.run(
            ApplicationCluster.withConfiguration(manifest, Map.of("heartbeat.interval", "1000")),
            work,
            new ApplicationCluster.Topology(
                2,
                List.of(
                    "-Dlogberg.faultPoint=reading",
                    "-Dlogberg.faultPoint.resumeFile=" + work.resolve("resume")),
                running -> killTheFirstToRead(running, work.resolve("resume"))));
    assertThat(killed.jobManagerLog(), killed.onlyJob().state(), is("FAILED"));
    assertEndedOnce(killed);
    assertThat(killed.jobManagerLog(), containsString("NoRestartBackoffTimeStrategy"));

    ApplicationCluster.Ending rerun = ApplicationCluster.run(manifest, work, TWO_TASK_MANAGERS);
    assertFinished(rerun);
    assertThat(rerun.jobManagerLog(), containsString("applications: 5 succeeded, 0 failed"));
    // The metadata table counts the killed run's try (attempts 2); every other table is exact.
    assertThat("the re-run = Direct", warehouse.landed(), is(directLanded));
    List<String> statuses =
        warehouse.dump().stream()
            .filter(l -> l.startsWith("spark_logs_processing_metadata\t"))
            .toList();
    assertThat(statuses.toString(), statuses.size(), is(5));
    assertThat(
        statuses.toString(), statuses.stream().allMatch(l -> l.contains("\tSUCCESS\t")), is(true));
  }

  /**
   * Kills (SIGKILL) the first task manager whose fault point holds a reading thread, then lets the
   * other one read on: which of them reads depends on how the run's files are grouped.
   */
  private static void killTheFirstToRead(ApplicationCluster.Running running, Path resume) {
    try {
      int reader = awaitTaskManagerLog(running, "FAULT POINT reading reached");
      running.taskManagers().get(reader).destroyForcibly().waitFor();
      Files.createFile(resume);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits (4 minutes at most, while a task manager lives) until one logged {@code text}; returns
   * its index.
   */
  private static int awaitTaskManagerLog(ApplicationCluster.Running running, String text)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      for (int i = 0; i < running.taskManagers().size(); i++) {
        if (Files.readString(running.taskManagerLog(i)).contains(text)) {
          return i;
        }
      }
      if (!running.jobManager().isAlive()) {
        throw new AssertionError(
            "the job manager exited before a task manager logged '"
                + text
                + "':\n"
                + Files.readString(running.home().resolve("jobmanager.log")));
      }
      if (running.taskManagers().stream().noneMatch(Process::isAlive)
          || System.nanoTime() > deadline) {
        throw new AssertionError(
            "no task manager logged '"
                + text
                + "'; task manager 0:\n"
                + Files.readString(running.taskManagerLog(0))
                + "\njob manager:\n"
                + Files.readString(running.home().resolve("jobmanager.log")));
      }
      Thread.sleep(200);
    }
  }

  /**
   * Every application with work is claimed by another live run (a Direct run held at its claims,
   * beating its heartbeat): the run lands nothing, exit code 4, and the job FINISHED with a WARN
   * line, as README's "Exit codes on Flink" says. The holder beats every ten seconds (the default):
   * its claims stay live for thirty seconds after a beat, so a machine busy enough to delay a beat
   * does not hand them to the Flink run.
   */
  @Test
  void aRunWhoseWorkOtherLiveRunsHoldFinishesWithoutLandingAnything() throws Exception {
    Path work = Files.createDirectories(dir.resolve("blocked"));
    try (RestCatalogServer catalog = new RestCatalogServer(work.resolve("warehouse"))) {
      Warehouse lake = new Warehouse(work.resolve("warehouse"), input, catalog.args());
      List<String> args = lake.args("--heartbeatSeconds=10");
      RunnerJar.Started holder =
          RunnerJar.DIRECT.start(lake.logs(), List.of("-Dlogberg.faultPoint=claimed"), "run", args);
      try {
        holder.awaitOutput("FAULT POINT claimed reached");
        List<String> params = args.stream().map(a -> a.substring(2)).toList();
        Map<String, Object> manifest = ApplicationCluster.render(work, "logberg-blocked", params);

        ApplicationCluster.Ending ending = ApplicationCluster.run(manifest, work);
        assertFinished(ending);
        assertThat(ending.jobManagerLog(), containsString("SKIP_CLAIMED=5"));
        assertThat(ending.jobManagerLog(), containsString("other live runs hold the claims"));
      } finally {
        holder.process().destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The job manager, where {@code main} and its heartbeat run, frozen (SIGSTOP) past the run's
   * lease while the task manager waits at a fault point after claiming; a Direct run takes the
   * claims over and lands everything; then both go on. The job FAILED with the fence's reason,
   * {@code main} reports the lost claims (code 5), and no table changed since the successor, as
   * README's "Exit codes on Flink" says.
   */
  @Test
  void aRunThatLostItsClaimsFailsItsJobAndCommitsNothingMore() throws Exception {
    Path work = Files.createDirectories(dir.resolve("fenced"));
    Path resume = work.resolve("resume");
    try (RestCatalogServer catalog = new RestCatalogServer(work.resolve("warehouse"))) {
      Warehouse lake = new Warehouse(work.resolve("warehouse"), input, catalog.args());
      List<String> params =
          lake.args("--heartbeatSeconds=1").stream().map(a -> a.substring(2)).toList();
      Map<String, Object> manifest = ApplicationCluster.render(work, "logberg-fenced", params);
      List<List<String>> afterSuccessor = new ArrayList<>();

      ApplicationCluster.Ending fenced =
          ApplicationCluster.run(
              manifest,
              work,
              new ApplicationCluster.Topology(
                  1,
                  List.of(
                      "-Dlogberg.faultPoint=claimed", "-Dlogberg.faultPoint.resumeFile=" + resume),
                  running -> afterSuccessor.add(takeOverWhileFrozen(running, lake, resume))));
      assertThat(fenced.jobManagerLog(), fenced.onlyJob().state(), is("FAILED"));
      assertEndedOnce(fenced);
      assertThat(fenced.jobManagerLog(), containsString("LOST ITS CLAIMS"));
      assertThat(fenced.jobManagerLog(), containsString("run successor took them over"));
      assertThat(fenced.exceptions(), containsString("may no longer commit"));
      assertThat("no table changed since the successor", lake.dump(), is(afterSuccessor.get(0)));
      assertThat(lake.landed(), is(directLanded));
      assertThat(lake.jobIds(lake.tables().metadataTable()), everyItem(is("successor")));
      assertThat(lake.jobIds(lake.tables().filesTable()), everyItem(is("successor")));
    }
  }

  /**
   * Once the task manager holds its claims at the fault point: freezes the job manager for four
   * heartbeats, lands the tree with a Direct run, and lets both go on. Returns the tables as the
   * successor left them.
   */
  private static List<String> takeOverWhileFrozen(
      ApplicationCluster.Running running, Warehouse lake, Path resume) {
    try {
      awaitTaskManagerLog(running, "FAULT POINT claimed reached");
      Signals.send("STOP", running.jobManager().pid());
      try {
        Thread.sleep(4_000); // past the lease of three beats
        RunnerJar.Run successor =
            RunnerJar.DIRECT.run(
                lake.logs(), "run", lake.args("--heartbeatSeconds=1", "--jobName=successor"));
        assertThat(successor.output(), successor.exitCode(), is(0));
        assertThat(successor.output(), containsString("applications: 5 succeeded, 0 failed"));
        List<String> tables = lake.dump();
        Files.createFile(resume);
        return tables;
      } finally {
        Signals.send("CONT", running.jobManager().pid());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * An unreachable catalog fails the run before its job: one FAILED job with the reason, not a
   * restart.
   */
  @Test
  void aRunThatFailsBeforeItsJobEndsTheApplicationFailedOnce() throws Exception {
    Path work = Files.createDirectories(dir.resolve("unreachable"));
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    List<String> params = new ArrayList<>(params(work.resolve("warehouse"), input));
    params.addAll(List.of("catalogType=rest", "catalogUri=http://127.0.0.1:" + closed));
    Map<String, Object> manifest = ApplicationCluster.render(work, "logberg-unreachable", params);

    ApplicationCluster.Ending ending = ApplicationCluster.run(manifest, work);
    assertThat(ending.jobManagerLog(), ending.onlyJob().state(), is("FAILED"));
    assertEndedOnce(ending);
    assertThat(ending.jobManagerLog(), containsString("Application FAILED"));
    assertThat(
        "the job's exception says why", ending.exceptions(), containsString("before its job ran"));
    assertThat(ending.exceptions(), containsString("Connection refused"));
  }

  /**
   * A FlinkDeployment edited to run {@code watch}, which needs a job per interval where a Flink
   * application runs one: one FAILED job that says what runs {@code watch} instead, not a first run
   * that lands and a second that fails.
   */
  @Test
  void watchInAFlinkApplicationEndsItFailedOnceWithWhatToRunInstead() throws Exception {
    Path work = Files.createDirectories(dir.resolve("watch"));
    Map<String, Object> manifest =
        ApplicationCluster.withJobArgs(
            ApplicationCluster.render(
                work, "logberg-watch", params(work.resolve("warehouse"), input)),
            args -> {
              args.set(args.indexOf("run"), "watch");
              return args;
            });

    ApplicationCluster.Ending ending = ApplicationCluster.run(manifest, work);
    assertThat(ending.jobManagerLog(), ending.onlyJob().state(), is("FAILED"));
    assertEndedOnce(ending);
    assertThat(ending.exceptions(), containsString("a Flink application runs one job"));
    assertThat(ending.exceptions(), containsString("launch --continuous --target flink-k8s"));
  }

  /**
   * Some applications FAILED (a corrupt file): the job FINISHED, the failures are in the metadata
   * table.
   */
  @Test
  void aRunWithFailedApplicationsFinishesAndRecordsThem() throws Exception {
    Path work = Files.createDirectories(dir.resolve("partly-failed"));
    Path tree = work.resolve("spark-team-a");
    Path corrupt = Warehouse.copyTestdataWithATruncatedFile(tree);
    Warehouse warehouse = new Warehouse(work.resolve("warehouse"), tree);
    Map<String, Object> manifest =
        ApplicationCluster.render(work, "logberg-partly-failed", params(warehouse.path(), tree));

    ApplicationCluster.Ending ending = ApplicationCluster.run(manifest, work);
    assertFinished(ending);
    assertThat(ending.jobManagerLog(), containsString("applications: 4 succeeded, 1 failed"));
    assertThat(ending.jobManagerLog(), containsString("some applications were recorded FAILED"));
    List<String> failed = warehouse.dump().stream().filter(l -> l.contains("\tFAILED\t")).toList();
    assertThat(failed.toString(), failed.size(), is(1));
    assertThat(failed.get(0), containsString(corrupt.getFileName().toString()));
  }

  /**
   * Parallelism 2 (the launcher's default) over two task managers of one slot each: every shuffle
   * crosses processes.
   */
  private static final ApplicationCluster.Topology TWO_TASK_MANAGERS =
      new ApplicationCluster.Topology(2, List.of(), running -> {});

  /**
   * The same with exactly the rendered JVM options, none from the build: a FlinkDeployment missing
   * an option its job needs fails here. The other launches add the build's JIT setting for speed.
   */
  private static final ApplicationCluster.Topology AS_RENDERED =
      new ApplicationCluster.Topology(2, List.of(), running -> {}, true);

  private static List<String> params(Path warehouse, Path tree) {
    return List.of("input=" + tree, "warehouse=" + warehouse, "progressSeconds=0");
  }

  /**
   * A progress line past discovery: the job manager runs no step, so it knows the counts only from
   * the job's accumulators ({@code FlinkJobProgress}); its own totals stay at zero.
   */
  private static final Pattern PROGRESS_FROM_WORKERS =
      Pattern.compile(
          "(?m)^progress: (claiming|reading|writing and publishing|recording statuses) \\|");

  private static void assertFinished(ApplicationCluster.Ending ending) {
    assertThat(ending.jobManagerLog(), ending.onlyJob().state(), is("FINISHED"));
    assertThat(ending.jobManagerLog(), containsString("Application completed SUCCESSFULLY"));
    assertEndedOnce(ending);
  }

  /**
   * The job manager outlived the application's end without a fatal error, so nothing restarts it.
   */
  private static void assertEndedOnce(ApplicationCluster.Ending ending) {
    assertThat(ending.jobManagerLog(), not(containsString("Application failed unexpectedly")));
    assertThat(ending.jobManagerLog(), not(containsString("Fatal error occurred")));
    assertThat(ending.jobManagerLog(), ending.jobManagerAlive(), is(true));
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.logberg.pipeline.tables.LogbergTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run frozen past its lease (SIGSTOP) while another run takes its claims over and finishes: when
 * it wakes up (SIGCONT) it commits nothing more to any table and exits with its own code, naming
 * the run that took over.
 */
class FencingIT {
  /** Exit code of a run that lost its claims (Main.FENCED). */
  private static final int FENCED = 5;

  /**
   * On the Direct jar and on the Spark jar (the driver exits with the same code 5 in a cluster,
   * where SparkClusterIT shows that any non-zero code ends the application FAILED).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = RunnerJar.class,
      names = {"DIRECT", "SPARK"})
  void aRunThatLostItsClaimsCommitsNothingMore(RunnerJar runner, @TempDir Path dir)
      throws Exception {
    // Through a catalog service: a process frozen on the embedded sqlite catalog may hold its lock.
    try (RestCatalogServer catalog = new RestCatalogServer(dir.resolve("warehouse"))) {
      Path input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
      frozenRunIsFenced(
          runner,
          new Warehouse(dir.resolve("warehouse"), input, catalog.args()),
          dir.resolve("resume"));
    }
  }

  private static void frozenRunIsFenced(RunnerJar runner, Warehouse lake, Path resume)
      throws Exception {
    RunnerJar.Started frozen =
        runner.start(
            lake.logs(),
            List.of("-Dlogberg.faultPoint=claimed", "-Dlogberg.faultPoint.resumeFile=" + resume),
            "run",
            lake.args("--heartbeatSeconds=1", "--jobName=frozen"));
    try {
      frozen.awaitOutput("FAULT POINT claimed reached");
      Signals.send("STOP", frozen.process().pid()); // its heartbeat stops with it
      Thread.sleep(4_000); // past its lease of three beats

      RunnerJar.Run successor =
          RunnerJar.DIRECT.run(
              lake.logs(), "run", lake.args("--heartbeatSeconds=1", "--jobName=successor"));
      assertThat(successor.output(), successor.exitCode(), is(0));
      List<Long> snapshots = lake.snapshots();
      List<String> dump = lake.dump();
      assertThat(lake.jobIds(lake.tables().metadataTable()), everyItem(is("successor")));
      assertThat(lake.jobIds(lake.tables().metadataTable()), is(not(empty())));

      Files.createFile(resume);
      Signals.send("CONT", frozen.process().pid());
      RunnerJar.Run woken = frozen.finish();

      assertThat(woken.output(), woken.exitCode(), is(FENCED));
      assertThat(woken.output(), containsString("LOST ITS CLAIMS"));
      assertThat(woken.output(), containsString("run successor took them over"));
      assertThat("no table changed since the successor", lake.snapshots(), is(snapshots));
      assertThat(lake.dump(), is(dump));
      LogbergTables tables = lake.tables();
      assertThat(lake.jobIds(tables.metadataTable()), everyItem(is("successor")));
      assertThat(lake.jobIds(tables.filesTable()), everyItem(is("successor")));
    } finally {
      frozen.process().destroyForcibly(); // a failed test must not leave a stopped JVM behind
    }
  }
}

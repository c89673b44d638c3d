package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.logberg.pipeline.tables.LogbergTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run frozen past its lease (SIGSTOP) while another run takes its claims over and finishes: when
 * it wakes up (SIGCONT) it commits nothing more to any table and exits with its own code, naming
 * the run that took over.
 */
class FencingIT {
  /** Exit code of a run that lost its claims (Main.FENCED). */
  private static final int FENCED = 5;

  @Test
  void aRunThatLostItsClaimsCommitsNothingMore(@TempDir Path dir) throws Exception {
    // Through a catalog service: a process frozen on the embedded sqlite catalog may hold its lock.
    try (RestCatalogServer catalog = new RestCatalogServer(dir.resolve("warehouse"))) {
      Path input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
      frozenRunIsFenced(
          new Warehouse(dir.resolve("warehouse"), input, catalog.args()), dir.resolve("resume"));
    }
  }

  private static void frozenRunIsFenced(Warehouse lake, Path resume) throws Exception {
    RunnerJar.Started frozen =
        RunnerJar.DIRECT.start(
            lake.logs(),
            List.of("-Dlogberg.faultPoint=claimed", "-Dlogberg.faultPoint.resumeFile=" + resume),
            "run",
            lake.args("--heartbeatSeconds=1", "--jobName=frozen"));
    try {
      awaitOutput(frozen, "FAULT POINT claimed reached");
      signal("STOP", frozen.process().pid()); // its heartbeat stops with it
      Thread.sleep(4_000); // past its lease of three beats

      RunnerJar.Run successor =
          RunnerJar.DIRECT.run(
              lake.logs(), "run", lake.args("--heartbeatSeconds=1", "--jobName=successor"));
      assertThat(successor.output(), successor.exitCode(), is(0));
      List<Long> snapshots = lake.snapshots();
      List<String> dump = lake.dump();
      assertThat(jobIds(lake, lake.tables().metadataTable()), everyItem(is("successor")));
      assertThat(jobIds(lake, lake.tables().metadataTable()), is(not(empty())));

      Files.createFile(resume);
      signal("CONT", frozen.process().pid());
      RunnerJar.Run woken = frozen.finish();

      assertThat(woken.output(), woken.exitCode(), is(FENCED));
      assertThat(woken.output(), containsString("LOST ITS CLAIMS"));
      assertThat(woken.output(), containsString("run successor took them over"));
      assertThat("no table changed since the successor", lake.snapshots(), is(snapshots));
      assertThat(lake.dump(), is(dump));
      LogbergTables tables = lake.tables();
      assertThat(jobIds(lake, tables.metadataTable()), everyItem(is("successor")));
      assertThat(jobIds(lake, tables.filesTable()), everyItem(is("successor")));
    } finally {
      frozen.process().destroyForcibly(); // a failed test must not leave a stopped JVM behind
    }
  }

  /** The job id of every live row of a status table. */
  private static List<String> jobIds(Warehouse lake, TableIdentifier table) {
    return lake.catalog()
        .apply(
            c -> {
              List<String> ids = new ArrayList<>();
              try (CloseableIterable<Record> rows =
                  IcebergGenerics.read(c.loadTable(table)).select("job_id").build()) {
                rows.forEach(r -> ids.add((String) r.getField("job_id")));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return ids;
            });
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat("kill -" + signal + " " + pid, kill.waitFor(10, TimeUnit.SECONDS), is(true));
    assertThat("kill -" + signal + " " + pid, kill.exitValue(), is(0));
  }

  private static void awaitOutput(RunnerJar.Started run, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!run.output().contains(text)) {
      if (!run.process().isAlive()) {
        throw new AssertionError("the run ended before printing '" + text + "':\n" + run.output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' in 5 minutes:\n" + run.output());
      }
      Thread.sleep(100);
    }
  }
}

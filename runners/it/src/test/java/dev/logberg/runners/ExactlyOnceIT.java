package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly once, the way users run it: forked Direct jars on testdata/, killed with SIGKILL at each
 * stage between commits and re-run at once, racing each other, and landing a folder that grows.
 * After each, the tables equal one clean run's (checked against the generator's manifest too and by
 * Spark SQL), and every snapshot of the data table, read by time travel, holds each key once.
 */
class ExactlyOnceIT {
  /** Claims lapse after three seconds without a beat: re-runs never sleep out a long lease. */
  private static final String HEARTBEAT = "--heartbeatSeconds=1";

  private static final Pattern PROCESSED =
      Pattern.compile("folders: \\d+ found, \\d+ empty, (\\d+) processed");
  private static final Pattern FILES_READ = Pattern.compile("read: (\\d+) files");
  private static final Pattern ROWS = Pattern.compile("parsed: ([\\d,]+) rows");
  private static final Pattern DELETED =
      Pattern.compile("upsert: ([\\d,]+) superseded rows deleted");

  @TempDir static Path shared;
  private static List<String> reference;
  private static long validLines;

  @BeforeAll
  static void cleanRun() throws Exception {
    Path input = Warehouse.copyTestdata(shared.resolve("spark-team-a"));
    Warehouse clean = new Warehouse(shared.resolve("clean"), input);
    RunnerJar.Run run = RunnerJar.DIRECT.run(clean.logs(), "run", clean.args());
    assertThat(run.output(), run.exitCode(), is(0));
    reference = clean.landed();
    validLines = manifestNumber("validLines");
    assertThat(count(run.output(), ROWS), is(validLines));
  }

  @ParameterizedTest(name = "killed at {0}")
  @ValueSource(strings = {"claimed", "reading", "staged", "published"})
  void aRunKilledAtAnyStageIsRepairedByAnImmediateRerun(String point, @TempDir Path dir)
      throws Exception {
    Warehouse lake = new Warehouse(dir.resolve("warehouse"), shared.resolve("spark-team-a"));
    RunnerJar.Started doomed =
        RunnerJar.DIRECT.start(
            lake.logs(), List.of("-Dlogberg.faultPoint=" + point), "run", lake.args(HEARTBEAT));
    doomed.awaitOutput("FAULT POINT " + point + " reached");
    doomed.process().destroyForcibly(); // SIGKILL: no shutdown hook, no heartbeat removal
    doomed.process().waitFor();

    RunnerJar.Run rerun = RunnerJar.DIRECT.run(lake.logs(), "run", lake.args(HEARTBEAT));

    assertThat(rerun.output(), rerun.exitCode(), is(0));
    assertExact(lake);
  }

  @ParameterizedTest(name = "{0} runs at once")
  @ValueSource(ints = {2, 3})
  void concurrentRunsLandEveryApplicationOnceInTotal(int runs, @TempDir Path dir) throws Exception {
    // Through one catalog service, as production runs go through Glue.
    try (RestCatalogServer catalog = new RestCatalogServer(dir.resolve("warehouse"))) {
      raceRuns(
          runs,
          new Warehouse(dir.resolve("warehouse"), shared.resolve("spark-team-a"), catalog.args()));
    }
  }

  /**
   * Two launches of one rendered manifest at once (a re-deploy or a scheduled run while the last
   * one still runs): the SparkApplication's own arguments, run by two forked Direct jars, give each
   * run an id of its own, so they exclude each other like any two runs.
   */
  @Test
  void twoLaunchesOfOneManifestExcludeEachOther(@TempDir Path dir) throws Exception {
    try (RestCatalogServer catalog = new RestCatalogServer(dir.resolve("warehouse"))) {
      Warehouse lake =
          new Warehouse(dir.resolve("warehouse"), shared.resolve("spark-team-a"), catalog.args());
      List<String> params = new ArrayList<>();
      for (String arg : lake.args(HEARTBEAT)) {
        params.add(arg.substring(2));
      }
      List<String> arguments =
          RenderedLaunch.sparkArguments(
              RenderedLaunch.render(dir, "spark-k8s", "logberg-team-a", params));
      raceRuns(2, arguments, lake);
    }
  }

  private static void raceRuns(int runs, Warehouse lake) throws Exception {
    raceRuns(runs, lake.args(HEARTBEAT), lake);
  }

  private static void raceRuns(int runs, List<String> args, Warehouse lake) throws Exception {
    // They race from the first step: creating the tables, then claiming.
    List<RunnerJar.Started> started = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      started.add(RunnerJar.DIRECT.start(lake.logs(), List.of(), "run", args));
    }
    long processed = 0;
    long files = 0;
    long rows = 0;
    for (RunnerJar.Started run : started) {
      RunnerJar.Run done = run.finish();
      assertThat(done.output(), done.exitCode(), in(List.of(0, 4)));
      processed += count(done.output(), PROCESSED);
      files += count(done.output(), FILES_READ);
      rows += count(done.output(), ROWS);
    }
    assertThat("applications", processed, is(manifestNumber("apps")));
    assertThat("files", files, is(manifestNumber("files")));
    assertThat("rows", rows, is(validLines));
    assertExact(lake);
  }

  @Test
  void aGrowingFolderCostsItsNewFilesOnly(@TempDir Path dir) throws Exception {
    Path input = Files.createDirectories(dir.resolve("spark-team-a"));
    Warehouse lake = new Warehouse(dir.resolve("warehouse"), input);
    List<Path> all = logFiles(Warehouse.TESTDATA);
    for (int round = 1; round <= 5; round++) {
      int added = 0;
      for (int i = 0; i < all.size(); i++) {
        if (i % 5 == round - 1) {
          Path from = all.get(i);
          Path to = input.resolve(Warehouse.TESTDATA.relativize(from).toString());
          Files.createDirectories(to.getParent());
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
          added++;
        }
      }
      RunnerJar.Run run = RunnerJar.DIRECT.run(lake.logs(), "run", lake.args());
      assertThat(run.output(), run.exitCode(), is(0));
      assertThat(
          "round " + round + " reads its new files only",
          count(run.output(), FILES_READ),
          is((long) added));
      assertThat("round " + round + " deletes nothing", count(run.output(), DELETED), is(0L));
    }
    assertThat(lake.landed(), is(reference));
    SnapshotKeys.assertDistinct(lake, null);
  }

  /** The data, rejects and files tables equal the clean run's; every application is SUCCESS. */
  private static void assertExact(Warehouse lake) throws IOException {
    assertThat(lake.landed(), is(reference));
    assertThat("applications not SUCCESS", lake.notSucceeded(), is(empty()));
    SnapshotKeys.assertDistinct(lake, validLines);
    try (SparkSql spark = new SparkSql(lake.catalog())) {
      assertThat(spark.number("SELECT count(*) FROM %s", "logs.spark_logs"), is(validLines));
      assertThat(
          spark.number("SELECT count(DISTINCT event_id) FROM %s", "logs.spark_logs"),
          is(validLines));
      assertThat(
          spark.number("SELECT count(*) FROM %s", "logs.spark_logs_rejects"),
          is(manifestRejects()));
    }
  }

  private static long count(String output, Pattern pattern) {
    Matcher m = pattern.matcher(output);
    assertThat("'" + pattern + "' in\n" + output, m.find(), is(true));
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  private static List<Path> logFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> Warehouse.TESTDATA.relativize(p).getName(0).toString().startsWith("spark-"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static long manifestNumber(String field) throws IOException {
    Matcher m =
        Pattern.compile("\"" + field + "\": (\\d+)").matcher(Files.readString(Warehouse.MANIFEST));
    assertThat(field + " in the manifest", m.find(), is(true));
    return Long.parseLong(m.group(1));
  }

  private static long manifestRejects() throws IOException {
    Matcher m =
        Pattern.compile("\"rejects\": \\{([^}]*)\\}").matcher(Files.readString(Warehouse.MANIFEST));
    assertThat(m.find(), is(true));
    long total = 0;
    Matcher n = Pattern.compile(": (\\d+)").matcher(m.group(1));
    while (n.find()) {
      total += Long.parseLong(n.group(1));
    }
    return total;
  }
}

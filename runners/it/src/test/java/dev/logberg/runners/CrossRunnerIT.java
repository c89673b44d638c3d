package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portability promise: the same jar-packaged pipeline on Direct, Flink (local mini-cluster,
 * parallelism 2) and Spark ({@code local[2]}, by {@code java -jar} and by spark-submit) lands the
 * same tables from testdata/, and a second run changes nothing.
 */
class CrossRunnerIT {
  private static final Pattern UPSERT =
      Pattern.compile("upsert: ([\\d,]+) superseded rows deleted, (.*)");

  @TempDir static Path dir;
  private static Path input;
  private static JsonNode totals;

  @BeforeAll
  static void copyTestdata() throws IOException {
    input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
    totals = new ObjectMapper().readTree(Warehouse.MANIFEST.toFile()).get("totals");
  }

  @Test
  void everyJarStartsAndExplainsItself() throws Exception {
    for (RunnerJar runner : List.of(RunnerJar.DIRECT, RunnerJar.FLINK, RunnerJar.SPARK)) {
      RunnerJar.Run help = runner.run(dir.resolve("help"), "help", List.of());
      assertThat(runner + ": " + help.output(), help.exitCode(), is(0));
      assertThat(
          help.output(), containsString("Usage: logberg [run|watch|verify|dump|upkeep|logs|apps]"));
      assertThat(help.output(), containsString("--warehouse"));
    }
  }

  /**
   * One flow per runner, to keep the forked runs few: land testdata/, run again (nothing may
   * change), and on Flink and Spark land every row once more with the upsert resolved distributed
   * (its GroupByKey at parallelism 2).
   */
  @Test
  void everyRunnerLandsIdenticalTablesASecondRunChangesNothingAndDistributedResolutionAgrees()
      throws Exception {
    Map<RunnerJar, List<String>> dumps = new EnumMap<>(RunnerJar.class);
    for (RunnerJar runner : RunnerJar.values()) {
      Warehouse warehouse = warehouse(runner.name().toLowerCase(Locale.ROOT));
      RunnerJar.Run first = runner.run(warehouse.logs(), "run", warehouse.args());
      assertThat(runner + ": " + first.output(), first.exitCode(), is(0));
      assertThat(first.output(), containsString("applications: 5 succeeded, 0 failed"));
      assertThat(
          runner + ": no progress with --progressSeconds=0",
          first.output(),
          not(containsString("progress: ")));
      List<String> dump = warehouse.dump();
      dumps.put(runner, dump);
      if (runner == RunnerJar.SPARK_SUBMIT) {
        continue; // the same jar and runner as SPARK, which checks the rest
      }
      List<Long> snapshots = warehouse.snapshots();
      RunnerJar.Run second = runner.run(warehouse.logs(), "run", warehouse.args());
      assertThat(runner + ": " + second.output(), second.exitCode(), is(0));
      assertThat(second.output(), containsString("{SKIP_DONE=5}"));
      assertThat(runner + ": no table changed", warehouse.snapshots(), is(snapshots));
      assertThat(runner + ": same rows", warehouse.dump(), is(dump));
      if (runner == RunnerJar.FLINK || runner == RunnerJar.SPARK) {
        resolvesDistributed(runner, warehouse, dump);
      }
    }
    List<String> direct = dumps.get(RunnerJar.DIRECT);
    // Four header lines, every valid line, one status row per application, every rejected line,
    // one row per landed file.
    long rejects = 0;
    for (JsonNode count : totals.get("rejects")) {
      rejects += count.asLong();
    }
    assertThat(
        direct,
        hasSize(
            (int)
                (4
                    + totals.get("validLines").asLong()
                    + totals.get("apps").asLong()
                    + rejects
                    + totals.get("files").asLong())));
    assertThat(
        direct.stream().filter(l -> l.contains("\tSUCCESS\t")).count(),
        is(totals.get("apps").asLong()));
    assertThat("Flink = Direct", dumps.get(RunnerJar.FLINK), is(direct));
    assertThat("Spark = Direct", dumps.get(RunnerJar.SPARK), is(direct));
    assertThat(
        "spark-submit on a Spark distribution = Direct",
        dumps.get(RunnerJar.SPARK_SUBMIT),
        is(direct));
  }

  /**
   * Every row comes again: each key has two rows, and the GroupByKey by merge key must keep one.
   */
  private static void resolvesDistributed(
      RunnerJar runner, Warehouse warehouse, List<String> landed) throws Exception {
    RunnerJar.Run again =
        runner.run(
            warehouse.logs(),
            "run",
            warehouse.args("--reprocessAll", "--resolveInProcessMaxRows=0"));
    assertThat(runner + ": " + again.output(), again.exitCode(), is(0));
    Matcher upsert = UPSERT.matcher(again.output());
    assertThat(again.output(), upsert.find(), is(true));
    assertThat(upsert.group(2), containsString("distributed"));
    assertThat(
        Long.parseLong(upsert.group(1).replace(",", "")),
        greaterThanOrEqualTo(totals.get("validLines").asLong()));
    assertThat(
        runner + ": the same live rows after resolving every key again",
        warehouse.dump(),
        is(landed));
  }

  private static Warehouse warehouse(String runner) {
    return new Warehouse(dir.resolve(runner).resolve("warehouse"), input);
  }
}

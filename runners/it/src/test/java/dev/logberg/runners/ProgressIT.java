package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.logberg.testdata.GenerateLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a user sees while a run works, on each runner's jar: live progress lines (with rows counted
 * as they are parsed) before the summary ({@link CrossRunnerIT} checks that {@code
 * --progressSeconds=0} prints none). And Spark with a heap too small to cache its input ({@code
 * -Xmx600m} on a 50 MB tree) still reads each input file, and byte, once and processes each
 * application once: a recomputed read would count twice.
 */
class ProgressIT {
  private static final Pattern ROWS = Pattern.compile("\\| rows ([\\d,]+) \\|");
  private static final Pattern READ = Pattern.compile("read: ([\\d,]+) files \\(([\\d,]+) bytes");
  private static final Pattern APPLICATIONS =
      Pattern.compile("applications: ([\\d,]+) succeeded, ([\\d,]+) failed");
  private static final Pattern PROCESSED =
      Pattern.compile("folders: [\\d,]+ found, [\\d,]+ empty, ([\\d,]+) processed");
  private static final Pattern APP_FOLDER = Pattern.compile("spark-[0-9a-f]{32}");

  @TempDir static Path dir;

  /** A generated tree of about 50 MB: long enough a run for progress lines at 1 s. */
  private static Path tree;

  private static long treeApps;
  private static long treeFiles;
  private static long treeBytes;

  @BeforeAll
  static void generateTrees() throws IOException {
    tree = dir.resolve("spark-application-logs");
    int code =
        GenerateLogs.run(
            new String[] {"--out", tree.toString(), "--size", "50MB", "--seed", "7"},
            System.out,
            System.err);
    assertThat("GenerateLogs exit code", code, is(0));
    try (Stream<Path> files = Files.walk(tree)) {
      // What the pipeline reads: visible files in application folders.
      List<Path> logs =
          files
              .filter(Files::isRegularFile)
              .filter(p -> APP_FOLDER.matcher(tree.relativize(p).getName(0).toString()).matches())
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .toList();
      treeFiles = logs.size();
      for (Path log : logs) {
        treeBytes += Files.size(log);
      }
      treeApps = logs.stream().map(p -> tree.relativize(p).getName(0)).distinct().count();
    }
    assertThat(treeFiles, greaterThan(0L));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = RunnerJar.class,
      names = {"DIRECT", "FLINK", "SPARK"})
  void printsLiveProgressBeforeTheSummary(RunnerJar runner, @TempDir Path run) throws Exception {
    Path warehouse = run.resolve("progress").resolve("warehouse");
    RunnerJar.Run live =
        runner.run(
            warehouse.resolveSibling("logs"),
            "run",
            List.of("--input=" + tree, "--warehouse=" + warehouse, "--progressSeconds=1"));
    assertThat(runner + ":\n" + live.output(), live.exitCode(), is(0));
    List<String> lines = live.output().lines().toList();
    int finished = indexOfLineContaining(lines, "finished in");
    assertThat(runner + ": no 'finished in' in\n" + live.output(), finished, greaterThan(-1));
    List<String> progress =
        lines.subList(0, finished).stream().filter(l -> l.startsWith("progress: ")).toList();
    assertThat(
        runner + ": progress lines before the summary in\n" + live.output(),
        progress,
        is(not(empty())));
    assertThat(
        runner + ": a progress line with rows > 0 in\n" + String.join("\n", progress),
        progress.stream().mapToLong(ProgressIT::rows).max().orElse(0),
        greaterThan(0L));
  }

  @Test
  void sparkWithAHeapTooSmallToCacheReadsEachFileOnce(@TempDir Path run) throws Exception {
    Warehouse lake = new Warehouse(run.resolve("warehouse"), tree);
    // lake.args() turns progress off; -Xmx600m is about the least Spark starts with.
    RunnerJar.Run done =
        RunnerJar.SPARK.start(lake.logs(), List.of("-Xmx600m"), "run", lake.args()).finish();
    assertThat(done.output(), done.exitCode(), is(0));
    // One comparison, so that a failure shows every count at once.
    Matcher read = find(READ, done.output());
    Matcher applications = find(APPLICATIONS, done.output());
    assertThat(
        "each file and byte read once, each application processed once",
        List.of(
            number(read.group(1)) + " files",
            number(read.group(2)) + " bytes",
            number(find(PROCESSED, done.output()).group(1)) + " processed",
            number(applications.group(1)) + " succeeded",
            number(applications.group(2)) + " failed"),
        is(
            List.of(
                treeFiles + " files",
                treeBytes + " bytes",
                treeApps + " processed",
                treeApps + " succeeded",
                "0 failed")));
  }

  private static int indexOfLineContaining(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static long rows(String progressLine) {
    return number(find(ROWS, progressLine).group(1));
  }

  private static Matcher find(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    assertThat("'" + pattern + "' in\n" + output, m.find(), is(true));
    return m;
  }

  private static long number(String digits) {
    return Long.parseLong(digits.replace(",", ""));
  }
}

package dev.logberg.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Logberg end to end against the limit (a plain JVM program) and the peer (Spark SQL) on one
 * generated tree: every contender is its own process, measured by {@link RunMeasure}; repetitions
 * are interleaved (every contender once, then again), so that ratios are taken pair by pair within
 * a repetition and drift of the machine cancels out.
 *
 * <p>Each run gets a fresh warehouse and sqlite catalog. A run counts only if it exits with 0,
 * reports the tree's number of valid lines as rows, and its table's current snapshot holds exactly
 * that many live rows.
 *
 * <p>Options: {@code --tree=DIR} (holding {@code spark-application-logs/} and {@code
 * manifest.json}), {@code --out=DIR}, {@code --reps=3}, {@code
 * --contenders=limit,direct,direct-checks,peer,flink,spark} (also {@code direct-nochecks}, {@code
 * spark-memdisk}), {@code --xmx=2g}, {@code --opens=...}, {@code --benchClasspath}, {@code
 * --peerClasspath}, {@code --directJar}, {@code --flinkJar}, {@code --sparkJar}, {@code
 * --profile=true} (one more Direct run under JFR, summarised by {@link JfrStages}), {@code
 * --timeoutSeconds=1800}, {@code --command} (how the run was started, for the report).
 */
public final class EndToEndBenchmark {
  private static final Pattern LOGBERG_ROWS =
      Pattern.compile("parsed: ([\\d,]+) rows, ([\\d,]+) rejected");
  private static final Pattern LOGBERG_SECONDS = Pattern.compile("finished in ([\\d.]+) s");
  private static final Pattern ROWS = Pattern.compile("\\brows=(\\d+)");
  private static final Pattern REJECTED = Pattern.compile("\\brejected=(\\d+)");
  private static final Pattern SECONDS = Pattern.compile("\\bseconds=([\\d.]+)");

  /**
   * Logberg's contenders. {@code direct} is the Direct jar as built; {@code direct-checks} and
   * {@code direct-nochecks} force the DirectRunner's development checks ({@code
   * --enforceImmutability}, {@code --enforceEncodability}) on or off, whatever the jar's default
   * (the jar turns them off since commit 74de027; the recorded runs predate it). {@code
   * spark-memdisk} is the Spark runner with {@code --storageLevel=MEMORY_AND_DISK}: with the
   * default MEMORY_ONLY, cached partitions that do not fit the heap are dropped, and the lines are
   * read and parsed again.
   */
  private static final List<String> LOGBERG_RUNNERS =
      List.of("direct", "direct-checks", "direct-nochecks", "flink", "spark", "spark-memdisk");

  /**
   * One measured run. {@code jobSeconds} is the contender's own timing of its work (without JVM
   * start and exit).
   */
  record Run(
      int rep,
      String contender,
      RunMeasure.Result result,
      long rows,
      long rejected,
      double jobSeconds,
      TableFacts table,
      @Nullable String problem,
      @Nullable String note) {
    boolean ok() {
      return problem == null;
    }

    /** Rows are the table's live rows (a runner's metrics may count retried or recomputed work). */
    double rowsPerSecond() {
      return table.liveRows() / result.wallSeconds();
    }

    /**
     * Rows per second of CPU: what a run would do on an idle machine if it kept both cores busy.
     */
    double rowsPerCpuSecond() {
      return table.liveRows() / result.cpuSeconds();
    }
  }

  private final Map<String, String> options;
  private final Path tree;
  private final Path input;
  private final Path out;
  private final long treeBytes;
  private final long expectedRows;
  private final List<Run> runs = new ArrayList<>();

  private EndToEndBenchmark(Map<String, String> options) throws IOException {
    this.options = options;
    this.tree = Path.of(LimitIngest.required(options, "tree")).toAbsolutePath();
    this.input = tree.resolve("spark-application-logs");
    this.out = Path.of(LimitIngest.required(options, "out")).toAbsolutePath();
    JsonNode totals =
        new ObjectMapper().readTree(tree.resolve("manifest.json").toFile()).get("totals");
    this.treeBytes = totals.get("bytes").asLong();
    this.expectedRows = totals.get("validLines").asLong();
  }

  public static void main(String[] args) throws Exception {
    EndToEndBenchmark bench = new EndToEndBenchmark(LimitIngest.parse(args));
    System.exit(bench.runAll() ? 0 : 1);
  }

  private boolean runAll() throws IOException, InterruptedException {
    Files.createDirectories(out);
    int reps = Integer.parseInt(options.getOrDefault("reps", "3"));
    List<String> contenders =
        Arrays.asList(
            options
                .getOrDefault("contenders", "limit,direct,direct-checks,peer,flink,spark")
                .split(","));
    String started = DateTimeFormatter.ISO_INSTANT.format(Instant.now());
    System.out.printf(
        "tree %s: %,d bytes, %,d valid lines; %d reps of %s; %s%n",
        input, treeBytes, expectedRows, reps, contenders, JvmProbe.machine());
    warmPageCache();
    for (int rep = 1; rep <= reps; rep++) {
      for (String contender : contenders) {
        Run run = measure(rep, contender, Map.of());
        runs.add(run);
        System.out.printf(
            "rep %d %-15s %7.1f s wall, %6.1f s job, %,9d rows, %8.0f rows/s, RSS %5.0f MB, CPU %6.1f s,"
                + " load %s -> %s%s%n",
            rep,
            contender,
            run.result().wallSeconds(),
            run.jobSeconds(),
            run.rows(),
            run.rowsPerSecond(),
            run.result().peakRssBytes() / 1e6,
            run.result().cpuSeconds(),
            run.result().loadBefore(),
            run.result().loadAfter(),
            run.ok()
                ? (run.note() == null ? "" : "  note: " + run.note())
                : "  FAILED: " + run.problem());
      }
    }
    String profile = "";
    if (Boolean.parseBoolean(options.getOrDefault("profile", "true"))
        && contenders.contains("direct")) {
      Path jfr = out.resolve("profile-direct.jfr");
      Run run =
          measure(
              0,
              "direct",
              Map.of(
                  "JAVA_TOOL_OPTIONS",
                  "-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=settings=profile,filename="
                      + jfr));
      System.out.printf(
          "profile run (Direct under JFR): %.1f s wall%s%n",
          run.result().wallSeconds(), run.ok() ? "" : ", FAILED: " + run.problem());
      profile =
          String.format(
                  "Direct run under JFR (not in the table above): %.1f s wall, %.1f s job, CPU %.1f s,"
                      + " load %s -> %s.%n%n",
                  run.result().wallSeconds(),
                  run.jobSeconds(),
                  run.result().cpuSeconds(),
                  run.result().loadBefore(),
                  run.result().loadAfter())
              + JfrStages.summarize(jfr);
      Files.writeString(out.resolve("profile.md"), profile);
    }
    writeCsv();
    String report = report(started, reps, contenders, profile);
    Files.writeString(out.resolve("report.md"), report);
    currentFigures(started, contenders).write(out);
    System.out.println();
    System.out.println(report);
    return runs.stream().allMatch(Run::ok);
  }

  private Run measure(int rep, String contender, Map<String, String> environment)
      throws IOException, InterruptedException {
    Path runDir =
        out.resolve("runs").resolve((rep == 0 ? "profile" : "rep" + rep) + "-" + contender);
    RunMeasure.Result result =
        RunMeasure.run(
            command(contender, runDir),
            environment,
            runDir,
            Long.parseLong(options.getOrDefault("timeoutSeconds", "1800")));
    String output = result.output();
    boolean logberg = LOGBERG_RUNNERS.contains(contender);
    long rows = logberg ? count(LOGBERG_ROWS, output, 1) : count(ROWS, output, 1);
    long rejected = logberg ? count(LOGBERG_ROWS, output, 2) : count(REJECTED, output, 1);
    double job = decimal(logberg ? LOGBERG_SECONDS : SECONDS, output);
    TableFacts table = result.exitCode() == 0 ? TableFacts.of(runDir) : TableFacts.NONE;
    String problem = null;
    if (result.exitCode() != 0) {
      problem = "exit code " + result.exitCode() + " (see " + runDir.resolve("output.log") + ")";
    } else if (table.liveRows() != expectedRows) {
      problem =
          String.format("table holds %,d live rows, expected %,d", table.liveRows(), expectedRows);
    }
    String note =
        problem == null && rows != expectedRows
            ? String.format(
                "its own count says %,d rows, %.2fx the table's",
                rows, (double) rows / expectedRows)
            : null;
    if (!Boolean.parseBoolean(options.getOrDefault("keepTables", "false"))) {
      deleteTree(runDir.resolve("warehouse"));
    }
    return new Run(rep, contender, result, rows, rejected, job, table, problem, note);
  }

  private List<String> command(String contender, Path runDir) {
    List<String> java =
        new ArrayList<>(List.of("java", "-Xmx" + options.getOrDefault("xmx", "2g")));
    String opens = options.getOrDefault("opens", "");
    if (!opens.isBlank()) {
      java.addAll(Arrays.asList(opens.trim().split("\\s+")));
    }
    List<String> logberg =
        List.of(
            "run",
            "--input=" + input,
            "--warehouse=" + runDir.resolve("warehouse"),
            "--progressSeconds=0");
    List<String> command = new ArrayList<>(java);
    switch (contender) {
      case "limit" ->
          command.addAll(
              List.of(
                  "-cp",
                  LimitIngest.required(options, "benchClasspath"),
                  LimitIngest.class.getName(),
                  "--input=" + input,
                  "--dir=" + runDir,
                  "--threads=2"));
      case "peer" ->
          command.addAll(
              List.of(
                  "-cp",
                  LimitIngest.required(options, "peerClasspath"),
                  "dev.logberg.bench.peer.SparkSqlPeer",
                  "--input=" + input,
                  "--dir=" + runDir,
                  "--master=local[2]"));
      case "direct" -> {
        command.addAll(List.of("-jar", LimitIngest.required(options, "directJar")));
        command.addAll(logberg);
      }
      case "direct-checks", "direct-nochecks" -> {
        command.addAll(List.of("-jar", LimitIngest.required(options, "directJar")));
        command.addAll(logberg);
        boolean on = contender.equals("direct-checks");
        command.addAll(List.of("--enforceImmutability=" + on, "--enforceEncodability=" + on));
      }
      case "flink" -> {
        command.addAll(List.of("-jar", LimitIngest.required(options, "flinkJar")));
        command.addAll(logberg);
        command.addAll(List.of("--flinkMaster=[local]", "--parallelism=2"));
      }
      case "spark", "spark-memdisk" -> {
        command.addAll(List.of("-jar", LimitIngest.required(options, "sparkJar")));
        command.addAll(logberg);
        command.add("--sparkMaster=local[2]");
        if (contender.equals("spark-memdisk")) {
          command.add("--storageLevel=MEMORY_AND_DISK");
        }
      }
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    }
    return command;
  }

  /**
   * The data table's current snapshot, from its summary: every contender's table is {@code
   * logs.spark_logs} in the sqlite catalog {@code logberg} of its run folder.
   */
  record TableFacts(long liveRows, long dataFiles, long bytes) {
    static final TableFacts NONE = new TableFacts(-1, -1, -1);

    static TableFacts of(Path runDir) {
      try {
        return CatalogSpec.sqlite(LimitIngest.CATALOG, runDir)
            .apply(
                catalog -> {
                  Snapshot current =
                      catalog.loadTable(LimitIngest.TABLES.dataTable()).currentSnapshot();
                  if (current == null) {
                    return new TableFacts(0, 0, 0);
                  }
                  Map<String, String> summary = current.summary();
                  return new TableFacts(
                      number(summary, "total-records")
                          - number(summary, "total-position-deletes")
                          - number(summary, "total-equality-deletes"),
                      number(summary, "total-data-files"),
                      number(summary, "total-files-size"));
                });
      } catch (RuntimeException e) {
        System.out.println("cannot read the table of " + runDir + ": " + e);
        return NONE;
      }
    }

    private static long number(Map<String, String> summary, String key) {
      return Long.parseLong(summary.getOrDefault(key, "0"));
    }
  }

  /** Every contender then reads the tree from memory, the first one included. */
  private void warmPageCache() throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (Stream<Path> files = Files.walk(input)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          while (in.read(buffer) >= 0) {
            // reading is the point
          }
        }
      }
    }
  }

  private void writeCsv() throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "rep,contender,ok,wall_s,job_s,rows,rejected,table_rows,rows_per_s,mb_per_s,"
                + "peak_rss_mb,cpu_s,rows_per_cpu_s,data_files,table_mb,load_before,load_after\n");
    for (Run r : runs) {
      csv.append(
          String.format(
              "%d,%s,%s,%.2f,%.2f,%d,%d,%d,%.0f,%.2f,%.0f,%.1f,%.0f,%d,%.1f,%s,%s%n",
              r.rep(),
              r.contender(),
              r.ok(),
              r.result().wallSeconds(),
              r.jobSeconds(),
              r.rows(),
              r.rejected(),
              r.table().liveRows(),
              r.rowsPerSecond(),
              treeBytes / 1e6 / r.result().wallSeconds(),
              r.result().peakRssBytes() / 1e6,
              r.result().cpuSeconds(),
              r.rowsPerCpuSecond(),
              r.table().dataFiles(),
              r.table().bytes() / 1e6,
              r.result().loadBefore().replace(' ', '/'),
              r.result().loadAfter().replace(' ', '/')));
    }
    Files.writeString(out.resolve("runs.csv"), csv);
  }

  private String report(String started, int reps, List<String> contenders, String profile) {
    StringBuilder md = new StringBuilder();
    md.append(String.format("# Logberg end to end: %s, %d reps%n%n", tree.getFileName(), reps));
    md.append(
        String.format(
            "- started %s, command `%s`%n", started, options.getOrDefault("command", "")));
    md.append(String.format("- machine: %s%n", JvmProbe.machine()));
    md.append(
        String.format(
            "- tree: %s, %,d bytes on disk, %,d valid lines (rows expected)%n",
            input, treeBytes, expectedRows));
    md.append(
        String.format(
            "- every contender: its own JVM, `-Xmx%s`; load average (1/5/15 min) from %s to %s%n%n",
            options.getOrDefault("xmx", "2g"),
            runs.isEmpty() ? "-" : runs.get(0).result().loadBefore(),
            runs.isEmpty() ? "-" : runs.get(runs.size() - 1).result().loadAfter()));
    md.append(
        "Median (min - max) over the repetitions; wall time is the process's, JVM start and exit included; "
            + "\"job\" is the contender's own timing of its work.\n\n");
    md.append(
        "| contender | ok runs | wall s | job s | rows/s | MB/s | peak RSS MB | CPU s | rows per CPU-s | last run: data files"
            + " (MB) |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (String c : contenders) {
      List<Run> ok = runs.stream().filter(r -> r.contender().equals(c) && r.ok()).toList();
      long all = runs.stream().filter(r -> r.contender().equals(c)).count();
      md.append(
          String.format(
              "| %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              label(c),
              ok.size(),
              all,
              stat(ok, r -> r.result().wallSeconds(), "%.1f"),
              stat(ok, Run::jobSeconds, "%.1f"),
              stat(ok, Run::rowsPerSecond, "%,.0f"),
              stat(ok, r -> treeBytes / 1e6 / r.result().wallSeconds(), "%.2f"),
              stat(ok, r -> r.result().peakRssBytes() / 1e6, "%,.0f"),
              stat(ok, r -> r.result().cpuSeconds(), "%.1f"),
              stat(ok, Run::rowsPerCpuSecond, "%,.0f"),
              ok.isEmpty()
                  ? "-"
                  : String.format(
                      "%d (%.1f)",
                      ok.get(ok.size() - 1).table().dataFiles(),
                      ok.get(ok.size() - 1).table().bytes() / 1e6)));
    }
    md.append(
        "\nRatios of rows/s (wall), taken pair by pair within each repetition (median (min - max), pairs), and the"
            + " same for rows per CPU-second, which other load on the machine disturbs less:\n\n");
    md.append("| ratio | rows/s | rows per CPU-s | target (rows/s) |\n|---|---|---|---|\n");
    for (List<String> pair : ratioPairs(contenders)) {
      String runner = pair.get(0);
      String other = pair.get(1);
      md.append(
          String.format(
              "| Logberg %s / %s | %s | %s | %s |%n",
              runner,
              other,
              ratio(runner, other, Run::rowsPerSecond),
              ratio(runner, other, Run::rowsPerCpuSecond),
              target(runner, other)));
    }
    md.append("\nEvery run (rows/s, wall s, load before):\n\n");
    for (String c : contenders) {
      md.append(
          String.format(
              "- %s: %s%n",
              label(c),
              String.join(
                  ", ",
                  runs.stream()
                      .filter(r -> r.contender().equals(c))
                      .map(
                          r ->
                              r.ok()
                                  ? String.format(
                                      "%,.0f (%.1f s, load %s%s)",
                                      r.rowsPerSecond(),
                                      r.result().wallSeconds(),
                                      r.result().loadBefore().split(" ", -1)[0],
                                      r.note() == null ? "" : "; " + r.note())
                                  : String.format(
                                      "FAILED after %.1f s (CPU %.1f s, RSS %.0f MB): %s",
                                      r.result().wallSeconds(),
                                      r.result().cpuSeconds(),
                                      r.result().peakRssBytes() / 1e6,
                                      r.problem()))
                      .toList())));
    }
    if (!profile.isEmpty()) {
      md.append("\n## Profile\n\n").append(profile);
    }
    return md.toString();
  }

  /** Each Logberg runner among the contenders with each reference among them: (runner, other). */
  private static List<List<String>> ratioPairs(List<String> contenders) {
    List<List<String>> pairs = new ArrayList<>();
    for (String runner : LOGBERG_RUNNERS) {
      for (String other : List.of("limit", "peer")) {
        if (contenders.contains(runner) && contenders.contains(other)) {
          pairs.add(List.of(runner, other));
        }
      }
    }
    return pairs;
  }

  /** The table that opens BENCHMARKS.md's end-to-end section: medians of wall time, ratios. */
  private CurrentFigures currentFigures(String started, List<String> contenders) {
    List<String> medians = new ArrayList<>();
    for (String c : contenders) {
      List<Run> ok = runs.stream().filter(r -> r.contender().equals(c) && r.ok()).toList();
      medians.add(label(c) + " " + stat(ok, r -> r.result().wallSeconds(), "%.1f"));
    }
    List<String> ratios = new ArrayList<>();
    for (List<String> pair : ratioPairs(contenders)) {
      ratios.add(
          String.format(
              "%s / %s %s",
              pair.get(0), pair.get(1), ratio(pair.get(0), pair.get(1), Run::rowsPerSecond)));
    }
    return new CurrentFigures(
        "bench/run-all.sh",
        started,
        JvmProbe.machine() + "; every contender -Xmx" + options.getOrDefault("xmx", "2g"),
        String.format(
            "%s: %,d bytes on disk, %,d rows", tree.getFileName(), treeBytes, expectedRows),
        options.getOrDefault("command", ""),
        "wall s, median (min - max): " + String.join("; ", medians),
        "rows/s, pair by pair, median (min - max, pairs): " + String.join("; ", ratios));
  }

  private static String label(String contender) {
    return switch (contender) {
      case "limit" -> "limit (plain JVM, 2 threads)";
      case "peer" -> "peer (Spark SQL local[2])";
      case "direct" -> "Logberg Direct";
      case "direct-checks" -> "Logberg Direct, checks on";
      case "direct-nochecks" -> "Logberg Direct, checks off";
      case "flink" -> "Logberg Flink local p=2";
      case "spark" -> "Logberg Spark local[2]";
      case "spark-memdisk" -> "Logberg Spark local[2], storage MEMORY_AND_DISK";
      default -> contender;
    };
  }

  private static String target(String runner, String other) {
    if (other.equals("peer")) {
      return ">= 1.5";
    }
    return switch (runner) {
      case "direct", "direct-checks", "direct-nochecks" -> ">= 0.5";
      case "flink" -> ">= 0.7";
      default -> "-";
    };
  }

  private String ratio(String a, String b, ToDoubleFunction<Run> rate) {
    List<Double> ratios = new ArrayList<>();
    Map<Integer, Run> byRep = new LinkedHashMap<>();
    runs.stream()
        .filter(r -> r.contender().equals(b) && r.ok())
        .forEach(r -> byRep.put(r.rep(), r));
    for (Run r : runs) {
      Run other = byRep.get(r.rep());
      if (r.contender().equals(a) && r.ok() && other != null) {
        ratios.add(rate.applyAsDouble(r) / rate.applyAsDouble(other));
      }
    }
    if (ratios.isEmpty()) {
      return "-";
    }
    return String.format(
        "%.3f (%.3f - %.3f, %d)",
        median(ratios),
        ratios.stream().mapToDouble(d -> d).min().orElse(0),
        ratios.stream().mapToDouble(d -> d).max().orElse(0),
        ratios.size());
  }

  private static String stat(List<Run> runs, ToDoubleFunction<Run> value, String format) {
    if (runs.isEmpty()) {
      return "-";
    }
    List<Double> values = runs.stream().map(value::applyAsDouble).toList();
    if (values.size() == 1) {
      return String.format(format, values.get(0));
    }
    return String.format(
        format + " (" + format + " - " + format + ")",
        median(values),
        values.stream().mapToDouble(d -> d).min().orElse(0),
        values.stream().mapToDouble(d -> d).max().orElse(0));
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static long count(Pattern pattern, String text, int group) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Long.parseLong(m.group(group).replace(",", "")) : -1;
  }

  private static double decimal(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

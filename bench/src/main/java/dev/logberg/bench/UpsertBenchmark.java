package dev.logberg.bench;

import static dev.logberg.bench.BatchPipelines.addedFiles;
import static dev.logberg.bench.BatchPipelines.addedRecords;
import static dev.logberg.bench.BatchPipelines.check;
import static dev.logberg.bench.BatchPipelines.millisSince;
import static dev.logberg.bench.BatchPipelines.phases;
import static dev.logberg.bench.BatchPipelines.snapshotsAfter;

import dev.logberg.bench.BatchPipelines.Mode;
import dev.logberg.bench.BatchPipelines.Phases;
import dev.logberg.bench.BatchPipelines.PipelineRun;
import dev.logberg.upsert.MergeKeyResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Table;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * End-to-end benchmark of the upsert library on the DirectRunner: append-only vs upsert of a batch
 * re-sending 10% of the keys, the resolution alone, and full-scan reads after 5 upsert rounds vs
 * the compacted table. BENCHMARKS.md describes the method and the results.
 *
 * <p>Options ({@code --name=value}); every other argument goes to Beam's PipelineOptions:
 *
 * <ul>
 *   <li>{@code --sizes=1000000,2000000} rows of the main tables
 *   <li>{@code --reps=3} append-only runs and upsert runs, each on a fresh copy of each main table
 *   <li>{@code --rounds=5} upsert rounds (different 10% batches; the last upsert run is round 1)
 *       before the scans, at most 9
 *   <li>{@code --scanReps=3} full scans of each table (after the rounds, compacted), interleaved
 *   <li>{@code --rowsPerFile=125000} rows per data file of the initial load and of the compacted
 *       table
 *   <li>{@code --seriesSizes=25000,50000,100000} smaller tables on which both resolution paths of
 *       UpsertIntoIceberg run (in-process and distributed)
 *   <li>{@code --upsertCapSeconds=60} a distributed-path run still going after this is cancelled
 *       (and larger sizes are not tried)
 *   <li>{@code --warmup=true} unrecorded runs on a 10,000-row table first
 *   <li>{@code --formatVersion=2} of the tables (3: deletion vectors instead of position-delete
 *       files)
 *   <li>{@code --dir=bench/results/upsert-TIMESTAMP} where the catalog, the tables and report.md go
 * </ul>
 *
 * Exit code 0: done and every table checked; 1: a check failed (e.g. a key live twice) or a run
 * failed.
 */
public final class UpsertBenchmark {
  private final Map<String, String> options;
  private final String[] beamArgs;
  private final JvmProbe probe = new JvmProbe();
  private final StringBuilder report = new StringBuilder();

  /** Per table size, the medians and the ratio that open BENCHMARKS.md's upsert section. */
  private final List<String> medians = new ArrayList<>();

  private final List<String> ratios = new ArrayList<>();

  /** Opened by {@link #run}, which every other step runs within. */
  private @Nullable BenchLake lake;

  private UpsertBenchmark(Map<String, String> options, String[] beamArgs) {
    this.options = options;
    this.beamArgs = beamArgs;
  }

  public static void main(String[] args) {
    Map<String, String> options = defaultOptions();
    List<String> beam = new ArrayList<>();
    for (String arg : args) {
      String key =
          arg.startsWith("--") && arg.contains("=") ? arg.substring(2, arg.indexOf('=')) : null;
      if (key != null && options.containsKey(key)) {
        options.put(key, arg.substring(arg.indexOf('=') + 1));
      } else {
        beam.add(arg);
      }
    }
    UpsertBenchmark bench = new UpsertBenchmark(options, beam.toArray(String[]::new));
    int exit;
    try {
      bench.run();
      exit = 0;
    } catch (Throwable e) {
      System.out.println();
      System.out.println("BENCHMARK FAILED: " + e);
      e.printStackTrace(System.out);
      exit = 1;
    } finally {
      bench.probe.close();
    }
    System.exit(exit);
  }

  /** The harness's options (every other {@code --x=y} goes to Beam) with their defaults. */
  static Map<String, String> defaultOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("sizes", "1000000,2000000");
    options.put("reps", "3");
    options.put("rounds", "5");
    options.put("scanReps", "3");
    options.put("rowsPerFile", "125000");
    options.put("seriesSizes", "25000,50000,100000");
    options.put("upsertCapSeconds", "60");
    options.put("warmup", "true");
    options.put("formatVersion", "2");
    options.put(
        "dir",
        "bench/results/upsert-"
            + LocalDateTime.now(ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    return options;
  }

  private BenchLake lake() {
    return Objects.requireNonNull(lake, "run() opens the lake before any step");
  }

  /** An option's value; main() gives every option a default. */
  private String option(String name) {
    return Objects.requireNonNull(options.get(name), () -> "no option " + name);
  }

  private int intOption(String name) {
    return Integer.parseInt(option(name).trim());
  }

  private long rowsPerFile() {
    return Long.parseLong(option("rowsPerFile").trim());
  }

  private static List<Long> longs(String list) {
    List<Long> values = new ArrayList<>();
    for (String s : list.split(",", -1)) {
      if (!s.isBlank()) {
        values.add(Long.parseLong(s.trim().replace("_", "")));
      }
    }
    return values;
  }

  private void run() throws IOException {
    long started = System.nanoTime();
    Path dir = Path.of(option("dir")).toAbsolutePath();
    Files.createDirectories(dir);
    int rounds = intOption("rounds");
    if (rounds < 1 || rounds >= LogRows.BATCH_MODULUS) {
      throw new IllegalArgumentException("--rounds must be 1.." + (LogRows.BATCH_MODULUS - 1));
    }
    String measured = LocalDateTime.now(ZoneId.systemDefault()).withNano(0).toString();
    line("# Upsert benchmark " + measured);
    line("");
    line("- machine: " + JvmProbe.machine());
    line("- load average at start: " + JvmProbe.loadAverage());
    line(
        "- options: "
            + options
            + (beamArgs.length > 0 ? ", Beam: " + String.join(" ", beamArgs) : ", Beam: defaults"));
    line(
        "- command: "
            + System.getProperty("bench.command", System.getProperty("sun.java.command")));
    line("");
    lake = new BenchLake(dir, intOption("formatVersion"));
    try {
      if (Boolean.parseBoolean(option("warmup"))) {
        warmUp();
      }
      List<Long> series = longs(option("seriesSizes"));
      if (!series.isEmpty()) {
        paths().series(series);
      }
      Map<Long, Table> bases = new LinkedHashMap<>();
      for (long n : longs(option("sizes"))) {
        bases.put(n, measure(n, rounds));
      }
      if (!bases.isEmpty()) {
        paths().upsertMainTables(bases);
      }
    } finally {
      lake.close();
    }
    line("- load average at end: " + JvmProbe.loadAverage());
    line(
        String.format(
            "- whole run: %.1f min; catalog and tables on disk: %s",
            (System.nanoTime() - started) / 60e9, BenchLake.mb(BenchLake.bytesUnder(dir))));
    Files.writeString(dir.resolve("report.md"), report.toString());
    new CurrentFigures(
            "bench/run-upsert.sh",
            measured,
            JvmProbe.machine(),
            String.format(
                "LogRows tables of %s rows, batches of 10%% of the keys, format v%s",
                option("sizes"), option("formatVersion")),
            System.getProperty("bench.command", "UpsertBenchmark " + options),
            "DirectRunner, median s: " + String.join("; ", medians),
            String.join("; ", ratios))
        .write(dir);
    System.out.println("Report written to " + dir.resolve("report.md"));
  }

  /** JIT, class loading and Beam's first-run costs, on a small table; nothing is recorded. */
  private void warmUp() {
    long n = 10_000;
    progress("warm-up on a %,d-row table", n);
    Table base = createBase("warm", n);
    Table a = lake().cloneOf(base, "warm_append");
    long baseSnapshot = a.currentSnapshot().snapshotId();
    runPipeline("warm_append", n, 1, Mode.APPEND, 0);
    MergeKeyResolver.resolveAppends(a, LogRows.KEYS, snapshotsAfter(a, baseSnapshot));
    lake().cloneOf(base, "warm_upsert");
    runPipeline("warm_upsert", n, 1, Mode.UPSERT_IN_PROCESS, 0);
    lake().cloneOf(base, "warm_upsert_d");
    runPipeline("warm_upsert_d", n, 1, Mode.UPSERT_DISTRIBUTED, 0);
    BenchLake.verifyOneRowPerKey(a, n, 1);
  }

  private Table createBase(String prefix, long n) {
    return new BatchPipelines(lake(), beamArgs).createBase(prefix, n, rowsPerFile());
  }

  /**
   * Measures one size; returns its initial table (for {@link ResolutionPaths#upsertMainTables}).
   */
  private Table measure(long n, int rounds) {
    String p = label(n);
    long batch = LogRows.batchSize(n, 1);
    int reps = intOption("reps");
    line(
        "## "
            + String.format("%,d rows", n)
            + " (batch: "
            + String.format("%,d", batch)
            + " rows = 10% of the keys)");
    line("");

    // 1. The initial table, written with Iceberg's generic Parquet writer in one append commit.
    progress("%s: writing the initial table", p);
    probe.start();
    long t0 = System.nanoTime();
    Table base = createBase(p, n);
    long setupMs = millisSince(t0);
    BenchLake.Layout baseLayout = BenchLake.layout(base);
    List<String> notes = new ArrayList<>();
    notes.add(
        "initial table: "
            + baseLayout.describe()
            + String.format(
                ", %.0f bytes/row; written by Iceberg's generic Parquet writer (zstd) in %s (%s)",
                (double) baseLayout.dataBytes() / n, Samples.seconds(setupMs), probe.window()));

    Samples append = new Samples("a. append-only: AppendToIceberg");
    Samples resolve =
        new Samples(
            "resolution alone: MergeKeyResolver.resolveAppends after the append, in-process");
    Samples upsert = new Samples("b. upsert: UpsertIntoIceberg (in-process path)");
    Samples upsertResolution = new Samples("of which append commit to resolution commit");
    Samples laterRounds =
        new Samples("upsert rounds 2.." + rounds + " on the same table (UpsertIntoIceberg)");

    // 2a. Append-only on fresh copies; then the in-process resolution of that append alone.
    for (int rep = 1; rep <= reps; rep++) {
      String name = p + "_append_" + rep;
      Table table = lake().cloneOf(base, name);
      long baseSnapshot = table.currentSnapshot().snapshotId();
      progress("%s: append-only %d/%d", p, rep, reps);
      probe.start();
      PipelineRun run = runPipeline(name, n, 1, Mode.APPEND, 0);
      append.add(run.millis());
      String appendWindow = probe.window();
      List<Long> appended = snapshotsAfter(table, baseSnapshot);
      long appendedRows = addedRecords(table, appended);
      check(
          appendedRows == batch,
          "%s: the append added %,d rows, expected %,d",
          name,
          appendedRows,
          batch);

      progress("%s: resolveAppends %d/%d", p, rep, reps);
      probe.start();
      long r0 = System.nanoTime();
      MergeKeyResolver.Outcome outcome =
          MergeKeyResolver.resolveAppends(table, LogRows.KEYS, appended);
      long resolveMs = millisSince(r0);
      resolve.add(resolveMs);
      check(
          outcome.deletedRows() == batch && outcome.attempts() == 1,
          "%s: resolveAppends deleted %,d rows in %d attempts, expected %,d in 1",
          name,
          outcome.deletedRows(),
          outcome.attempts(),
          batch);
      notes.add(
          String.format(
              "append-only %d: %s (%s; %d data files added); resolveAppends %s (%s)",
              rep,
              Samples.seconds(run.millis()),
              appendWindow,
              addedFiles(table, appended),
              Samples.seconds(resolveMs),
              probe.window()));
    }

    // 2b. Upsert through the transform on fresh copies, then more rounds on the last one.
    Table table = null;
    for (int rep = 1; rep <= reps; rep++) {
      String name = p + "_upsert_" + rep;
      table = lake().cloneOf(base, name);
      PipelineRun run = upsertRound(table, n, 1, "upsert " + rep + "/" + reps, notes);
      upsert.add(run.millis());
      upsertResolution.add(run.resolutionMillis());
    }
    Objects.requireNonNull(table, "--reps is at least 1");
    for (int round = 2; round <= rounds; round++) {
      laterRounds.add(
          upsertRound(table, n, round, "round " + round + "/" + rounds, notes).millis());
    }

    // The resolution's phases, in-process, on a copy whose batch was appended with Iceberg's
    // writer.
    progress("%s: in-process resolution, phase by phase", p);
    Table phased = lake().cloneOf(base, p + "_phases");
    long phasedBase = phased.currentSnapshot().snapshotId();
    BenchLake.commit(
        phased,
        BenchLake.writeRows(
            phased, batch, rowsPerFile(), j -> LogRows.record(LogRows.batchKey(j, 1), n, 1)));
    probe.start();
    MergeKeyResolver.Outcome resolved =
        MergeKeyResolver.resolveAppends(phased, LogRows.KEYS, snapshotsAfter(phased, phasedBase));
    MergeKeyResolver.Phases timing = resolved.phases();
    check(
        resolved.deletedRows() == batch,
        "%s: phased resolution deleted %,d rows",
        phased.name(),
        resolved.deletedRows());
    notes.add(
        String.format(
            "in-process resolution by phase (batch appended by Iceberg's writer): plan %s (%d added + %d existing files),"
                + " key scan + winners %s, delete commit %s, total %s; %s",
            Samples.seconds(timing.planMillis()),
            timing.addedFiles(),
            timing.existingFiles(),
            Samples.seconds(timing.scanMillis()),
            Samples.seconds(timing.commitMillis()),
            Samples.seconds(timing.totalMillis()),
            probe.window()));

    // 2c. Check, compact, scan.
    progress("%s: checking one live row per key after %d rounds", p, rounds);
    String verified = BenchLake.verifyOneRowPerKey(table, n, rounds);
    BenchLake.Layout roundsLayout = BenchLake.layout(table);

    progress("%s: compacting", p);
    probe.start();
    long c0 = System.nanoTime();
    Table compacted = lake().compact(table, p + "_compacted", rowsPerFile());
    long compactMs = millisSince(c0);
    String compactWindow = probe.window();
    BenchLake.Layout compactedLayout = BenchLake.layout(compacted);

    // The same data files without the deletes: what reading the files costs, apart from applying
    // the deletes.
    Table noDeletes = lake().copyDataFiles(table, p + "_files_only", true);
    long allRows = n;
    for (int round = 1; round <= rounds; round++) {
      allRows += LogRows.batchSize(n, round);
    }

    Samples scanRounds =
        new Samples(
            "c. full scan after " + rounds + " upsert rounds (IcebergGenerics, all columns)");
    Samples scanCompacted = new Samples("full scan of the compacted table");
    Samples scanFilesOnly =
        new Samples(
            String.format(
                "full scan of the same data files without the deletes (%,d rows)", allRows));
    for (int rep = 1; rep <= intOption("scanReps"); rep++) {
      progress("%s: full scans %d/%s", p, rep, option("scanReps"));
      long s0 = System.nanoTime();
      long live = BenchLake.countRows(table);
      scanRounds.add(millisSince(s0));
      check(live == n, "%s: %,d live rows, expected %,d", table.name(), live, n);
      s0 = System.nanoTime();
      live = BenchLake.countRows(compacted);
      scanCompacted.add(millisSince(s0));
      check(live == n, "%s: %,d live rows, expected %,d", compacted.name(), live, n);
      s0 = System.nanoTime();
      live = BenchLake.countRows(noDeletes);
      scanFilesOnly.add(millisSince(s0));
      check(live == allRows, "%s: %,d rows, expected %,d", noDeletes.name(), live, allRows);
    }

    line("| measurement (DirectRunner for the pipelines) | median (min - max, runs) |");
    line("|---|---|");
    for (Samples s : List.of(append, upsert, upsertResolution, resolve, laterRounds)) {
      line("| " + s.name + " | " + s.summary() + " |");
    }
    line(
        String.format(
            "| **upsert / append-only** (medians) | **%.2f** |",
            upsert.median() / append.median()));
    medians.add(
        String.format(
            "%,d rows: append-only %s, upsert %s, full scan after %d rounds %s",
            n,
            Samples.seconds(append.median()),
            Samples.seconds(upsert.median()),
            rounds,
            Samples.seconds(scanRounds.median())));
    ratios.add(
        String.format(
            "%,d rows: upsert / append-only %.2f, scan after %d rounds / compacted %.2f",
            n,
            upsert.median() / append.median(),
            rounds,
            scanRounds.median() / scanCompacted.median()));
    for (Samples s : List.of(scanRounds, scanCompacted, scanFilesOnly)) {
      line("| " + s.name + " | " + s.summary() + " |");
    }
    line(
        String.format(
            "| **scan after %d rounds / scan compacted** (medians) | **%.2f** |",
            rounds, scanRounds.median() / scanCompacted.median()));
    line(
        "| compaction (generic read of the live rows + rewrite, once) | "
            + Samples.seconds(compactMs)
            + " |");
    line("");
    line(
        "- after "
            + rounds
            + " rounds: "
            + roundsLayout.describe()
            + ", "
            + roundsLayout.snapshots()
            + " snapshots; "
            + verified
            + " (checked)");
    line("- compacted: " + compactedLayout.describe() + "; compaction " + compactWindow);
    notes.forEach(note -> line("- " + note));
    line(
        "- raw seconds: append "
            + append.raw()
            + ", upsert "
            + upsert.raw()
            + " (resolution "
            + upsertResolution.raw()
            + "), resolveAppends "
            + resolve.raw()
            + ", rounds 2.. "
            + laterRounds.raw()
            + ", scan after rounds "
            + scanRounds.raw()
            + ", scan compacted "
            + scanCompacted.raw()
            + ", scan of the files without deletes "
            + scanFilesOnly.raw());
    line("");
    return base;
  }

  /** One UpsertIntoIceberg run (in-process path) of round {@code round}'s batch, checked. */
  private PipelineRun upsertRound(Table table, long n, int round, String what, List<String> notes) {
    String name = BenchLake.name(table);
    long batch = LogRows.batchSize(n, round);
    long baseSnapshot = table.currentSnapshot().snapshotId();
    progress("%s: %s", label(n), what);
    probe.start();
    PipelineRun run = runPipeline(name, n, round, Mode.UPSERT_IN_PROCESS, 0);
    check(
        run.deletedRows() == batch,
        "%s round %d: the upsert deleted %,d rows, expected %,d",
        name,
        round,
        run.deletedRows(),
        batch);
    Phases phases = phases(table, baseSnapshot, run);
    notes.add(
        String.format(
            "%s (batch %d): %s; %s; %s",
            what, round, Samples.seconds(run.millis()), phases.text(), probe.window()));
    return run.withResolution(phases.resolutionMillis());
  }

  private ResolutionPaths paths() {
    return new ResolutionPaths(
        new BatchPipelines(lake(), beamArgs),
        probe,
        this::line,
        intOption("upsertCapSeconds"),
        rowsPerFile());
  }

  /** See {@link BatchPipelines#run}. */
  private PipelineRun runPipeline(String name, long n, int round, Mode mode, int capSeconds) {
    return new BatchPipelines(lake(), beamArgs).run(name, n, round, mode, capSeconds);
  }

  static String label(long n) {
    if (n % 1_000_000 == 0) {
      return "n" + n / 1_000_000 + "m";
    }
    if (n % 1_000 == 0) {
      return "n" + n / 1_000 + "k";
    }
    return "n" + n;
  }

  private void line(String text) {
    report.append(text).append('\n');
    System.out.println(text);
  }

  static void progress(String format, Object... args) {
    System.out.printf(
        "%s ... %s%n",
        LocalDateTime.now(ZoneId.systemDefault()).withNano(0).toLocalTime(),
        String.format(format, args));
  }
}

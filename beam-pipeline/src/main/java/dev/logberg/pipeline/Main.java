package dev.logberg.pipeline;

import dev.logberg.pipeline.report.CanonicalTables;
import dev.logberg.pipeline.report.Progress;
import dev.logberg.pipeline.report.RunMetrics;
import dev.logberg.pipeline.report.TableSummary;
import dev.logberg.pipeline.status.Decision;
import dev.logberg.pipeline.status.EmbeddedCatalog;
import dev.logberg.pipeline.status.Heartbeat;
import dev.logberg.pipeline.status.RunFencing;
import dev.logberg.pipeline.storage.LocalLake;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RunStaging;
import dev.logberg.pipeline.tables.TableSetup;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.TableUpkeep;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.iceberg.catalog.TableIdentifier;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code run} (the default) lands the logs and prints a summary; {@code verify}
 * prints the summary of existing tables; {@code dump} prints their canonical content (to compare
 * deployments); {@code upkeep} compacts, expires snapshots and removes orphan files
 * (docs/UPKEEP.md); {@code --help} lists the options.
 *
 * <p>Exit codes: 0 done, 1 the job failed, 2 bad options, 3 done but some applications were
 * recorded FAILED, 4 nothing landed because other live runs hold the claims on the applications
 * that have work (a scheduler may retry later; "nothing new" is 0), 5 the run lost its claims (its
 * heartbeat lapsed and another run took them over) and committed nothing more.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int BAD_OPTIONS = 2;
  public static final int APPS_FAILED = 3;
  public static final int BLOCKED = 4;
  public static final int FENCED = 5;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /**
   * The arguments with a runner's defaults added (each {@code --name=value}) where the user did not
   * set that option: how a runner's jar sets what its runner needs without the pipeline knowing
   * which runner it is on.
   */
  public static String[] withDefaults(String[] args, String... defaults) {
    List<String> result = new ArrayList<>(Arrays.asList(args));
    for (String option : defaults) {
      String name = option.substring(0, option.indexOf('='));
      if (result.stream().noneMatch(a -> a.equals(name) || a.startsWith(name + "="))) {
        result.add(option);
      }
    }
    return result.toArray(String[]::new);
  }

  /**
   * How a command ended: its exit code and, when the job or its preparation failed, the exception
   * (for a runner's entry point that must tell a failure before the job from a failure of the job;
   * see {@code LogbergFlink}).
   */
  public record Outcome(int exitCode, @Nullable RuntimeException failure) {
    static Outcome of(int exitCode) {
      return new Outcome(exitCode, null);
    }
  }

  public static int run(String[] args, PrintStream out) {
    return execute(args, out).exitCode();
  }

  public static Outcome execute(String[] args, PrintStream out) {
    return execute(args, out, Map::of);
  }

  /**
   * Like {@link #execute(String[], PrintStream)}, with a source of the workers' counters for the
   * live progress where the steps run in other JVMs (a Flink cluster's task managers): progress
   * shows, counter by counter, the larger of this JVM's totals and theirs.
   */
  public static Outcome execute(
      String[] args, PrintStream out, Supplier<Map<String, Long>> workerCounters) {
    PipelineOptionsFactory.register(LogbergOptions.class);
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String command = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : "run";
    if (rest.contains("--help") || command.equals("help")) {
      printHelp(out);
      return Outcome.of(OK);
    }
    String[] parsed = rest.toArray(String[]::new);
    LogbergOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(parsed).withValidation().as(LogbergOptions.class);
      OptionsValidator.validate(options, command.equals("run"));
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println("Run with --help to see every option.");
      return Outcome.of(BAD_OPTIONS);
    }
    String jobId =
        rest.stream().anyMatch(a -> a.startsWith("--jobName"))
            ? options.getJobName()
            : defaultJobName();
    return switch (command) {
      case "run" ->
          options.getLocalLake()
              ? runOnLocalLake(options, parsed, jobId, out, workerCounters)
              : runJob(
                  RunConfig.of(options, RunContext.startingNow(jobId)),
                  parsed,
                  out,
                  workerCounters);
      case "verify" ->
          Outcome.of(
              printTables(
                  options,
                  out,
                  (catalog, tables) -> TableSummary.read(catalog, tables).report(tables)));
      case "dump" ->
          Outcome.of(
              printTables(
                  options,
                  out,
                  (catalog, tables) -> String.join("\n", CanonicalTables.dump(catalog, tables))));
      case "upkeep" -> Outcome.of(upkeep(options, out));
      default -> {
        out.println(
            "Unknown command '"
                + command
                + "': use run (the default), verify, dump, upkeep or help.");
        yield Outcome.of(BAD_OPTIONS);
      }
    };
  }

  /**
   * The options Beam runs the pipeline with: a fresh parse of the same arguments (so the user's
   * parsed options are never changed) plus the two things Beam itself reads from its options and a
   * run derives: the job name (runners name and report the job by it; ours is generated unless
   * --jobName is given) and the S3 endpoint, region and addressing of Beam's own S3 filesystem,
   * which ReadLines reads input files through and which Beam configures from the pipeline's options
   * only (with --localLake they are the loopback server's, known once the lake started).
   */
  static PipelineOptions beamOptions(String[] args, RunConfig config) {
    PipelineOptionsFactory.register(LogbergOptions.class);
    PipelineOptions beam = PipelineOptionsFactory.fromArgs(args).withValidation().create();
    beam.setJobName(config.context().jobId());
    config.s3().applyTo(beam);
    return beam;
  }

  private static Outcome runJob(
      RunConfig config,
      String[] args,
      PrintStream out,
      Supplier<Map<String, Long>> workerCounters) {
    CatalogSpec catalog = config.catalog();
    LogbergTables tables = config.tables();
    RunContext context = config.context();
    // The graph reads no table, so it is built while this thread prepares the tables, the heartbeat
    // and the staging tables: on a cold JVM both take seconds, mostly class loading.
    CompletableFuture<Pipeline> graph =
        onOwnThread(
            "logberg-graph",
            () -> {
              Pipeline pipeline = Pipeline.create(beamOptions(args, config));
              LogbergPipeline.build(pipeline, config);
              return pipeline;
            });
    String refusal =
        EmbeddedCatalog.refusal(catalog, tables, context.jobId(), config.heartbeatSeconds());
    if (refusal != null) {
      out.printf("Run %s refused: %s (exit code %d)%n", context.jobId(), refusal, BLOCKED);
      return Outcome.of(BLOCKED);
    }
    try {
      TableSetup.ensureTables(catalog, tables, config.partitionBy());
    } catch (RuntimeException e) {
      LOG.error("Preparing the tables failed", e);
      out.printf(
          "Cannot prepare the tables of %s in catalog %s (warehouse %s): %s%n",
          tables.dataTable(), catalog.name(), config.warehouse(), rootMessage(e));
      return new Outcome(JOB_FAILED, e);
    }

    long started;
    RunMetrics metrics;
    RunFencing.clear(catalog, tables, context.jobId());
    // The heartbeat starts before anything is claimed and outlives the job: while it beats, no
    // other run takes this run's claims.
    try (Heartbeat heartbeat =
            Heartbeat.start(
                catalog, tables.metadataTable(), context.jobId(), config.heartbeatSeconds());
        RunStaging staging =
            RunStaging.create(
                catalog, tables, context.jobId(), deadRuns(catalog, tables, config))) {
      Pipeline pipeline = graph.join();
      started = System.nanoTime();
      LOG.info(
          "Starting run {} on {} with input {}",
          context.jobId(),
          pipeline.getOptions().getRunner().getSimpleName(),
          config.inputs());
      metrics =
          RunMetrics.of(runWithProgress(pipeline, config.progressSeconds(), out, workerCounters));
    } catch (RuntimeException e) {
      LOG.error("Run {} failed", context.jobId(), e);
      String successor = RunFencing.lostTo(catalog, tables, context.jobId());
      if (successor != null) {
        out.printf(
            "Run %s LOST ITS CLAIMS: its heartbeat lapsed and run %s took them over; it committed"
                + " nothing after that (exit code %d).%n",
            context.jobId(), successor, FENCED);
        return new Outcome(FENCED, e);
      }
      out.printf("Run %s FAILED: %s%n", context.jobId(), rootMessage(e));
      return new Outcome(JOB_FAILED, e);
    }
    out.printf("Run %s finished in %.1f s%n", context.jobId(), (System.nanoTime() - started) / 1e9);
    out.println(metrics.report());
    out.println(TableSummary.afterRun(catalog, tables).report(tables));
    if (config.upkeepAfterRun() && upkeep(catalog, tables, true, out) != OK) {
      // The run landed its data; the upkeep line above says what failed.
      return Outcome.of(JOB_FAILED);
    }
    return Outcome.of(exitCode(metrics, out));
  }

  /** 3 if an application failed; 4 if nothing was landed because other runs hold the claims. */
  private static int exitCode(RunMetrics metrics, PrintStream out) {
    if (metrics.get(Counters.APPS_FAILED) > 0) {
      return APPS_FAILED;
    }
    long claimedElsewhere = metrics.get(Counters.DECISION_PREFIX + Decision.SKIP_CLAIMED.name());
    if (claimedElsewhere > 0 && metrics.get(Counters.FOLDERS_TO_PROCESS) == 0) {
      out.printf(
          "Nothing landed: %,d applications with work are claimed by other runs that are alive"
              + " (exit code %d).%n",
          claimedElsewhere, BLOCKED);
      return BLOCKED;
    }
    return OK;
  }

  /**
   * Runs whose staging tables may be dropped: without a heartbeat, or silent for ten leases (far
   * longer than a claim is honoured, since dropping a live run's staging would fail its job).
   */
  private static Predicate<String> deadRuns(
      CatalogSpec catalog, LogbergTables tables, RunConfig config) {
    Map<String, Long> beats =
        catalog.apply(c -> Heartbeat.beats(c.loadTable(tables.metadataTable())));
    long silentSince =
        RunContext.nowMicros() - 10 * Heartbeat.leaseMicros(config.heartbeatSeconds());
    return runId -> beats.getOrDefault(runId, Long.MIN_VALUE) < silentSince;
  }

  private static Outcome runOnLocalLake(
      LogbergOptions options,
      String[] args,
      String jobId,
      PrintStream out,
      Supplier<Map<String, Long>> workerCounters) {
    try (LocalLake lake = LocalLake.start(options)) {
      return runJob(
          RunConfig.onLocalLake(options, RunContext.startingNow(jobId), lake),
          args,
          out,
          workerCounters);
    } catch (Exception e) {
      out.println("Local lake FAILED: " + rootMessage(e));
      return new Outcome(
          JOB_FAILED, e instanceof RuntimeException r ? r : new IllegalStateException(e));
    }
  }

  /**
   * {@code verify} and {@code dump}: read the existing tables and print what {@code show} makes of
   * them.
   */
  private static int printTables(
      LogbergOptions options,
      PrintStream out,
      BiFunction<CatalogSpec, LogbergTables, String> show) {
    CatalogSpec catalog = CatalogSpecs.fromOptions(options);
    LogbergTables tables = RunConfig.tablesOf(options);
    try {
      out.println(show.apply(catalog, tables));
      return OK;
    } catch (RuntimeException e) {
      out.println("Cannot read the tables of " + tables.dataTable() + ": " + rootMessage(e));
      return JOB_FAILED;
    }
  }

  /**
   * {@code upkeep}: compaction, snapshot expiry and orphan removal on the four tables, in this
   * process, with the defaults of docs/UPKEEP.md. One line per table; a table that does not exist
   * yet is said so and skipped.
   */
  private static int upkeep(LogbergOptions options, PrintStream out) {
    return upkeep(
        CatalogSpecs.fromOptions(options),
        new LogbergTables(options.getDatabase(), options.getTable()),
        false,
        out);
  }

  /**
   * Upkeep of the four tables, or with {@code onlyIfDue} of those past the thresholds ({@code
   * --upkeepAfterRun}).
   */
  private static int upkeep(
      CatalogSpec catalog, LogbergTables tables, boolean onlyIfDue, PrintStream out) {
    TableUpkeep upkeep = new TableUpkeep(TableUpkeep.Options.defaults());
    try {
      return catalog.apply(
          c -> {
            for (TableIdentifier id :
                List.of(
                    tables.dataTable(),
                    tables.metadataTable(),
                    tables.rejectsTable(),
                    tables.filesTable())) {
              if (!c.tableExists(id)) {
                out.println(id + ": no such table, nothing to do");
                continue;
              }
              org.apache.iceberg.Table table = c.loadTable(id);
              if (onlyIfDue && !upkeep.isDue(table)) {
                out.println(id + ": upkeep not due");
                continue;
              }
              out.println(upkeep.run(table).line());
            }
            return OK;
          });
    } catch (RuntimeException e) {
      LOG.error("Upkeep failed", e);
      out.println("Upkeep of the tables of " + tables.dataTable() + " FAILED: " + rootMessage(e));
      return JOB_FAILED;
    }
  }

  /** Runs {@code work} on a daemon thread of its own, so that it never keeps the JVM alive. */
  private static <T> CompletableFuture<T> onOwnThread(String name, Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(work.get());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /**
   * Runs the job to its end, printing a progress line every {@code seconds} (none with 0). The job
   * is started on a thread of its own: the FlinkRunner's batch {@code run()} returns only when the
   * job is over, the DirectRunner's by default too.
   */
  private static PipelineResult runWithProgress(
      Pipeline pipeline, int seconds, PrintStream out, Supplier<Map<String, Long>> workerCounters) {
    if (seconds == 0) {
      PipelineResult result = pipeline.run();
      return finished(result, result.waitUntilFinish());
    }
    LiveCounters.reset();
    Progress progress = new Progress(out, out == System.out && System.console() != null);
    CompletableFuture<PipelineResult> started = onOwnThread("logberg-job", pipeline::run);
    try {
      while (true) {
        PipelineResult.State state = null;
        PipelineResult result = null;
        try {
          result = started.get(seconds, TimeUnit.SECONDS);
          state = result.waitUntilFinish(Duration.standardSeconds(seconds));
        } catch (TimeoutException e) {
          // still running
        }
        if (result != null && state != null && state.isTerminal()) {
          return finished(result, state);
        }
        // A runner whose run() returned also reports its finished bundles (Spark: finished tasks).
        progress.report(
            RunMetrics.larger(
                LiveCounters.snapshot(),
                workerCounters.get(),
                result == null ? Map.of() : RunMetrics.of(result).counters()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the job ran", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } finally {
      // A failure's message then starts on a line of its own.
      progress.finish();
    }
  }

  private static PipelineResult finished(
      PipelineResult result, PipelineResult.@Nullable State state) {
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended " + state);
    }
    return result;
  }

  /**
   * Sortable and recognisable in the metadata table, where Beam's default names the main class and
   * user.
   */
  private static String defaultJobName() {
    String time =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    return "logberg-"
        + time
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
  }

  /** The message of {@code e} and of its root cause: what a user needs to see first. */
  public static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + cause + ")";
  }

  private static void printHelp(PrintStream out) {
    out.println(
        "Logberg: lands Spark application logs in Apache Iceberg with one Apache Beam pipeline.");
    out.println();
    out.println("Usage: logberg [run|verify|dump|upkeep] [--option=value ...]");
    out.println(
        "  run      discover application folders, land new or changed ones, print a summary (default)");
    out.println("  verify   print the summary of the existing tables");
    out.println(
        "  dump     print the tables' rows as sorted lines without run-dependent columns, to diff deployments");
    out.println(
        "  upkeep   compact small files and files with deletes, expire snapshots older than 7 days (keeping the");
    out.println(
        "           last 10), remove orphan files older than 3 days; one line per table (docs/UPKEEP.md)");
    out.println();
    out.println("Options (--name=value; a list takes values separated by ','):");
    for (OptionDeclarations.Option option : OptionDeclarations.of(LogbergOptions.class)) {
      out.println();
      out.println("  --" + option.name());
      for (String line : wrap(option.help(), 92)) {
        out.println("      " + line);
      }
      if (option.shownDefault() != null) {
        out.println("      Default: " + option.shownDefault());
      }
      if (!option.example().isEmpty()) {
        out.println("      Example: --" + option.name() + "=" + option.example());
      }
      if (option.required()) {
        out.println("      Required in a launched job (deploy/templates), which has no default.");
      }
    }
    out.println();
    out.println("Any Beam option (e.g. --runner, --jobName) is accepted too.");
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}

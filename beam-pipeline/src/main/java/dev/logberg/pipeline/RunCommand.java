package dev.logberg.pipeline;

import dev.logberg.pipeline.report.RunMetrics;
import dev.logberg.pipeline.report.TableSummary;
import dev.logberg.pipeline.status.Decision;
import dev.logberg.pipeline.status.EmbeddedCatalog;
import dev.logberg.pipeline.status.Heartbeat;
import dev.logberg.pipeline.status.RunFencing;
import dev.logberg.pipeline.storage.LocalLake;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RunStaging;
import dev.logberg.pipeline.tables.TableSetup;
import dev.logberg.upsert.CatalogSpec;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.ApplicationNameOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}, the default command: one job that discovers the application folders, lands the new
 * or changed ones and prints a summary (with {@code --localLake}, on a lake of its own started for
 * the run).
 */
final class RunCommand extends Command {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  RunCommand() {
    super(
        "run", "discover application folders, land new or changed ones, print a summary (default)");
  }

  @Override
  boolean runsJob() {
    return true;
  }

  @Override
  Main.Outcome execute(Invocation invocation) {
    LogbergOptions options = invocation.options();
    String jobId = jobId(invocation);
    String[] args = invocation.args().toArray(String[]::new);
    if (!options.getLocalLake()) {
      return runJob(
          RunConfig.of(options, RunContext.startingNow(jobId)),
          args,
          invocation.out(),
          invocation.workerCounters());
    }
    try (LocalLake lake = LocalLake.start(options)) {
      return runJob(
          RunConfig.onLocalLake(options, RunContext.startingNow(jobId), lake),
          args,
          invocation.out(),
          invocation.workerCounters());
    } catch (Exception e) {
      invocation.out().println("Local lake FAILED: " + Main.rootMessage(e));
      return new Main.Outcome(
          Main.JOB_FAILED, e instanceof RuntimeException r ? r : new IllegalStateException(e));
    }
  }

  /**
   * The user's {@code --jobName}, else one of this run's own (see {@link #runId}) from {@code
   * --appName} (the launcher passes its resource name there) or "logberg".
   */
  static String jobId(Invocation invocation) {
    List<String> args = invocation.args();
    if (given(args, "--jobName")) {
      return invocation.options().getJobName();
    }
    return runId(
        given(args, "--appName")
            ? invocation.options().as(ApplicationNameOptions.class).getAppName()
            : "logberg");
  }

  private static boolean given(List<String> args, String option) {
    return args.stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="));
  }

  /**
   * One job on the tables of {@code config}, {@code args} being the arguments its options were
   * parsed from, then its summary (and upkeep, if asked for).
   */
  static Main.Outcome runJob(
      RunConfig config,
      String[] args,
      PrintStream out,
      Supplier<Map<String, Long>> workerCounters) {
    Landing landing = land(config, args, out, workerCounters);
    RunMetrics metrics = landing.metrics();
    if (metrics == null) {
      return landing.outcome();
    }
    CatalogSpec catalog = config.catalog();
    LogbergTables tables = config.tables();
    out.printf("Run %s finished in %.1f s%n", config.context().jobId(), landing.seconds());
    out.println(metrics.report());
    out.println(TableSummary.afterRun(catalog, tables).report(tables));
    if (config.upkeepAfterRun() && UpkeepCommand.upkeep(catalog, tables, true, out) != Main.OK) {
      // The run landed its data; the upkeep line above says what failed.
      return Main.Outcome.of(Main.JOB_FAILED);
    }
    if (landing.outcome().exitCode() == Main.BLOCKED) {
      out.printf(
          "Nothing landed: %,d applications with work are claimed by other runs that are alive"
              + " (exit code %d).%n",
          metrics.get(Counters.DECISION_PREFIX + Decision.SKIP_CLAIMED.name()), Main.BLOCKED);
    }
    return landing.outcome();
  }

  /**
   * What one job did: how it ended and, if it ran to its end, its counters and its seconds from
   * start to end.
   */
  record Landing(Main.Outcome outcome, @Nullable RunMetrics metrics, double seconds) {
    static Landing failed(int exitCode, @Nullable RuntimeException failure) {
      return new Landing(new Main.Outcome(exitCode, failure), null, 0);
    }
  }

  /**
   * One job on the tables of {@code config}: prepares the tables, beats for its claims, runs the
   * graph and publishes. Prints only what went wrong.
   */
  static Landing land(
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
        JobProgress.onOwnThread(
            "logberg-graph",
            () -> {
              Pipeline pipeline = Pipeline.create(beamOptions(args, config));
              LogbergPipeline.build(pipeline, config);
              return pipeline;
            });
    String refusal =
        EmbeddedCatalog.refusal(catalog, tables, context.jobId(), config.heartbeatSeconds());
    if (refusal != null) {
      out.printf("Run %s refused: %s (exit code %d)%n", context.jobId(), refusal, Main.BLOCKED);
      return Landing.failed(Main.BLOCKED, null);
    }
    try {
      TableSetup.ensureTables(catalog, tables, config.partitionBy());
    } catch (RuntimeException e) {
      LOG.error("Preparing the tables failed", e);
      out.printf(
          "Cannot prepare the tables of %s in catalog %s (warehouse %s): %s%n",
          tables.dataTable(), catalog.name(), config.warehouse(), Main.rootMessage(e));
      return Landing.failed(Main.JOB_FAILED, e);
    }

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
      long started = System.nanoTime();
      LOG.info(
          "Starting run {} on {} with input {}",
          context.jobId(),
          pipeline.getOptions().getRunner().getSimpleName(),
          config.inputs());
      RunMetrics metrics =
          RunMetrics.of(
              JobProgress.runToEnd(pipeline, config.progressSeconds(), out, workerCounters));
      return new Landing(
          Main.Outcome.of(exitCode(metrics)), metrics, (System.nanoTime() - started) / 1e9);
    } catch (RuntimeException e) {
      LOG.error("Run {} failed", context.jobId(), e);
      String successor = RunFencing.lostTo(catalog, tables, context.jobId());
      if (successor != null) {
        out.printf(
            "Run %s LOST ITS CLAIMS: its heartbeat lapsed and run %s took them over; it committed"
                + " nothing after that (exit code %d).%n",
            context.jobId(), successor, Main.FENCED);
        return Landing.failed(Main.FENCED, e);
      }
      out.printf("Run %s FAILED: %s%n", context.jobId(), Main.rootMessage(e));
      return Landing.failed(Main.JOB_FAILED, e);
    }
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

  /** 3 if an application failed; 4 if nothing was landed because other runs hold the claims. */
  static int exitCode(RunMetrics metrics) {
    if (metrics.get(Counters.APPS_FAILED) > 0) {
      return Main.APPS_FAILED;
    }
    long claimedElsewhere = metrics.get(Counters.DECISION_PREFIX + Decision.SKIP_CLAIMED.name());
    return claimedElsewhere > 0 && metrics.get(Counters.FOLDERS_TO_PROCESS) == 0
        ? Main.BLOCKED
        : Main.OK;
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

  /** What {@code StagingTable} keeps of a run id in a table name. */
  private static final int MAX_RUN_ID = 40;

  /**
   * The job id of a run without {@code --jobName}: {@code <name>-<UTC time>-<random>}, new for
   * every process, so two launches of one manifest never share the claims of one id. Sortable and
   * recognisable in the metadata table; the name is cut so the id stays within the 40 characters a
   * staging table's name keeps of it.
   */
  static String runId(String name) {
    String suffix =
        "-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now())
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    String prefix = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    return prefix.substring(0, Math.min(prefix.length(), MAX_RUN_ID - suffix.length())) + suffix;
  }
}

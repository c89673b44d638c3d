package dev.logberg.pipeline;

import dev.logberg.pipeline.RunCommand.Landing;
import dev.logberg.pipeline.report.RunMetrics;
import dev.logberg.pipeline.watch.Cadence;
import dev.logberg.pipeline.watch.Freshness;
import dev.logberg.pipeline.watch.StopSignal;
import dev.logberg.pipeline.watch.WatchOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code watch}: continuous landing as a loop of bounded runs in one long-lived process. Each run
 * is a whole {@code run} (its own id, claims, heartbeat, staging and one publication per table), so
 * a kill anywhere is a killed run that the next one repairs, and the files table is the only memory
 * of what was landed: nothing grows in this process with the files seen. docs/CONTINUOUS.md says
 * why this beats a streaming graph here.
 */
final class WatchCommand extends Command {
  private static final Logger LOG = LoggerFactory.getLogger(WatchCommand.class);

  /** Runs that fail one after the other before watch gives up, ending with the last one's code. */
  static final int MAX_FAILED_RUNS = 5;

  WatchCommand() {
    super(
        "watch",
        "keep landing new files as they arrive, a run every --commitEverySeconds, until SIGTERM",
        "or Ctrl-C, which let the run in progress end; upkeep every --upkeepEveryMinutes");
  }

  @Override
  boolean runsJob() {
    return true;
  }

  @Override
  Class<? extends LogbergOptions> options() {
    return WatchOptions.class;
  }

  @Override
  Main.Outcome execute(Invocation invocation) {
    WatchOptions options = invocation.options().as(WatchOptions.class);
    if (options.getLocalLake()) {
      invocation
          .out()
          .println(
              "watch lands --input as it grows, and --localLake lands a copy made when it starts:"
                  + " drop --localLake (an s3:// input can come from a loopback S3 through"
                  + " --s3Endpoint).");
      return Main.Outcome.of(Main.BAD_OPTIONS);
    }
    try (StopSignal stop = StopSignal.onSignals()) {
      return watch(invocation, options, stop);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.Outcome.of(Main.OK);
    }
  }

  private static Main.Outcome watch(Invocation invocation, WatchOptions options, StopSignal stop)
      throws InterruptedException {
    PrintStream out = invocation.out();
    String[] args = invocation.args().toArray(String[]::new);
    Instant began = Instant.now();
    Cadence cadence =
        new Cadence(
            Duration.ofSeconds(options.getCommitEverySeconds()),
            Duration.ofMinutes(options.getUpkeepEveryMinutes()),
            began);
    Freshness freshness = new Freshness(began);
    out.printf(
        "Watching %s: a run every %d s, upkeep %s; SIGTERM or Ctrl-C stops after the run in"
            + " progress%n",
        String.join(", ", options.getInput()),
        options.getCommitEverySeconds(),
        options.getUpkeepEveryMinutes() == 0
            ? "never (schedule it beside watch)"
            : "every " + options.getUpkeepEveryMinutes() + " min");
    long runs = 0;
    int failedInARow = 0;
    while (!stop.requested()) {
      Instant started = Instant.now();
      RunConfig config =
          RunConfig.of(options, RunContext.startingNow(RunCommand.jobId(invocation)))
              .withoutLiveProgress();
      Landing landing = RunCommand.land(config, args, out, invocation.workerCounters());
      runs++;
      int code = landing.outcome().exitCode();
      out.println(freshness.record(run(started, landing)));
      out.flush();
      failedInARow = failed(code) ? failedInARow + 1 : 0;
      if (failedInARow >= MAX_FAILED_RUNS) {
        out.printf(
            "watch stops: %d runs in a row failed, the last with exit code %d%n",
            failedInARow, code);
        return landing.outcome();
      }
      if (!stop.requested() && cadence.upkeepDue(Instant.now())) {
        UpkeepCommand.upkeep(config.catalog(), config.tables(), true, out);
      }
      stop.sleepUntil(cadence.nextRun(started, Instant.now()));
    }
    LOG.info("Stopping watch after {} runs", runs);
    out.printf("watch stopped after %,d runs%n", runs);
    return Main.Outcome.of(Main.OK);
  }

  /**
   * A run that failed, or lost its claims (a pause past its lease): the next run starts afresh.
   * Failed applications and claims held elsewhere are a run's normal outcomes.
   */
  private static boolean failed(int exitCode) {
    return exitCode == Main.JOB_FAILED || exitCode == Main.FENCED;
  }

  private static Freshness.Run run(Instant started, Landing landing) {
    RunMetrics metrics = landing.metrics();
    @Nullable Instant oldest = null;
    if (metrics != null && metrics.counters().containsKey(Counters.PLANNED_MODIFIED_MILLIS)) {
      oldest = Instant.ofEpochMilli(metrics.get(Counters.PLANNED_MODIFIED_MILLIS));
    }
    return new Freshness.Run(
        started,
        Instant.now(),
        metrics == null ? 0 : metrics.get(Counters.FILES_READ),
        metrics == null ? 0 : metrics.get(Counters.ROWS_PARSED),
        oldest,
        landing.outcome().exitCode());
  }
}

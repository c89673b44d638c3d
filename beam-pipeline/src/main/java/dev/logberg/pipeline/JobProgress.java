package dev.logberg.pipeline;

import dev.logberg.pipeline.report.Progress;
import dev.logberg.pipeline.report.RunMetrics;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/** Runs a job to its end while printing its live progress. */
final class JobProgress {
  private JobProgress() {}

  /**
   * Runs the job to its end, printing a progress line every {@code seconds} (none with 0). The job
   * is started on a thread of its own: the FlinkRunner's batch {@code run()} returns only when the
   * job is over, the DirectRunner's by default too.
   */
  static PipelineResult runToEnd(
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

  /** Runs {@code work} on a daemon thread of its own, so that it never keeps the JVM alive. */
  static <T> CompletableFuture<T> onOwnThread(String name, Supplier<T> work) {
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

  private static PipelineResult finished(
      PipelineResult result, PipelineResult.@Nullable State state) {
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the job ended " + state);
    }
    return result;
  }
}

package dev.logberg.runners.flink;

import dev.logberg.pipeline.report.RunMetrics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Beam counters of the running Flink job, for the live progress a job manager prints in
 * application mode, where the steps run in the task managers' JVMs.
 *
 * <p>Flink creates this listener from the configuration ({@code execution.job-listeners}, which the
 * launcher's FlinkDeployment sets) and hands it the client of the job Beam submits; the client
 * reads the job's accumulators, where Beam's Flink runner puts every step's metrics. A step
 * publishes them when its task ends, so counts arrive task by task, not line by line.
 */
public final class FlinkJobProgress implements JobListener {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkJobProgress.class);
  private static volatile @Nullable JobClient job;

  /** Flink instantiates listeners by their no-argument constructor. */
  public FlinkJobProgress() {}

  @Override
  public void onJobSubmitted(@Nullable JobClient client, @Nullable Throwable failure) {
    if (client != null) {
      job = client;
    }
  }

  @Override
  public void onJobExecuted(@Nullable JobExecutionResult result, @Nullable Throwable failure) {
    job = null;
  }

  /** The running job's counters so far; none before it is submitted or if they cannot be read. */
  static Map<String, Long> counters() {
    JobClient client = job;
    if (client == null) {
      return Map.of();
    }
    try {
      Object steps =
          client
              .getAccumulators()
              .get(10, TimeUnit.SECONDS)
              .get(FlinkMetricContainer.ACCUMULATOR_NAME);
      return steps instanceof MetricsContainerStepMap map
          ? RunMetrics.of(MetricsContainerStepMap.asAttemptedOnlyMetricResults(map)).counters()
          : Map.of();
    } catch (Exception e) {
      // Progress is a courtesy: a job that cannot be asked now is asked again at the next line.
      LOG.debug("Cannot read the job's accumulators", e);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Map.of();
    }
  }
}

package dev.logberg.pipeline.report;

import dev.logberg.pipeline.Counters;
import dev.logberg.upsert.UpsertIntoIceberg;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** The pipeline's counters at one moment, summed over steps, with the lines a person reads. */
public record RunMetrics(Map<String, Long> counters) {

  public static RunMetrics of(PipelineResult result) {
    return of(result.metrics());
  }

  /** The counters of Logberg's and the upsert library's namespaces in {@code metrics}. */
  public static RunMetrics of(MetricResults metrics) {
    MetricQueryResults query =
        metrics.queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(MetricNameFilter.inNamespace(Counters.NAMESPACE))
                .addNameFilter(MetricNameFilter.inNamespace(UpsertIntoIceberg.METRICS_NAMESPACE))
                .build());
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter : query.getCounters()) {
      String namespace = counter.getName().getNamespace();
      String name =
          namespace.equals(Counters.NAMESPACE)
              ? counter.getName().getName()
              : upsert(counter.getName().getName());
      // Attempted, not committed: not every runner reports committed values.
      counters.merge(name, counter.getAttempted(), Long::sum);
    }
    // Of a distribution, its minimum (see Counters#PLANNED_MODIFIED_MILLIS), under its own name.
    for (MetricResult<DistributionResult> distribution : query.getDistributions()) {
      if (distribution.getName().getNamespace().equals(Counters.NAMESPACE)
          && distribution.getAttempted().getCount() > 0) {
        counters.merge(
            distribution.getName().getName(), distribution.getAttempted().getMin(), Math::min);
      }
    }
    return new RunMetrics(counters);
  }

  /** Counter by counter, the largest of several sets of totals of one run. */
  @SafeVarargs
  public static RunMetrics larger(Map<String, Long>... sources) {
    Map<String, Long> counters = new TreeMap<>();
    for (Map<String, Long> source : sources) {
      source.forEach((name, value) -> counters.merge(name, value, Math::max));
    }
    return new RunMetrics(counters);
  }

  /**
   * The key of an upsert resolution counter (namespace {@link
   * UpsertIntoIceberg#METRICS_NAMESPACE}).
   */
  static String upsert(String name) {
    return "upsert." + name;
  }

  public long get(String name) {
    return counters.getOrDefault(name, 0L);
  }

  /** Counters whose names start with {@code prefix}, without it, e.g. rejects by reason. */
  public Map<String, Long> withPrefix(String prefix) {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && value > 0) {
            result.put(name.substring(prefix.length()), value);
          }
        });
    return result;
  }

  public String report() {
    return String.join(
        "\n",
        String.format(
            "  folders: %d found, %d empty, %d processed, %d skipped %s",
            get(Counters.FOLDERS_FOUND),
            get(Counters.FOLDERS_EMPTY),
            get(Counters.FOLDERS_TO_PROCESS),
            get(Counters.FOLDERS_SKIPPED),
            withPrefix(Counters.DECISION_PREFIX)),
        String.format(
            "  read: %d files (%,d bytes, %d failed; %d migrated unread), %,d lines (%,d blank)",
            get(Counters.FILES_READ),
            get(Counters.BYTES_READ),
            get(Counters.FILES_FAILED),
            get(Counters.FILES_MIGRATED),
            get(Counters.LINES_READ),
            get(Counters.LINES_BLANK)),
        String.format(
            "  parsed: %,d rows, %,d rejected %s",
            get(Counters.ROWS_PARSED),
            get(Counters.LINES_REJECTED),
            withPrefix(Counters.REJECTED_PREFIX)),
        String.format(
            "  applications: %d succeeded, %d failed",
            get(Counters.APPS_SUCCEEDED), get(Counters.APPS_FAILED)),
        String.format(
            "  upsert: %,d superseded rows deleted, %s",
            get(upsert(UpsertIntoIceberg.ROWS_DELETED)),
            get(upsert(UpsertIntoIceberg.ROWS_SHUFFLED)) == 0
                ? "resolved in process"
                : String.format(
                    "distributed (%,d keyed rows shuffled)",
                    get(upsert(UpsertIntoIceberg.ROWS_SHUFFLED)))));
  }
}

package dev.logberg.pipeline;

import java.io.Serializable;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The pipeline's Beam metrics: one namespace, names shared by the steps that count and the reports
 * that read.
 */
public final class Counters {
  private Counters() {}

  public static final String NAMESPACE = "logberg";

  public static final String FOLDERS_FOUND = "folders_found";
  public static final String FOLDERS_EMPTY = "folders_empty";
  public static final String FOLDERS_TO_PROCESS = "folders_to_process";
  public static final String FOLDERS_SKIPPED = "folders_skipped";

  /** Prefix of one counter per decision, e.g. {@code decision_SKIP_DONE}. */
  public static final String DECISION_PREFIX = "decision_";

  /** Files an earlier release landed, recorded in the files table without being read. */
  public static final String FILES_MIGRATED = "files_migrated";

  public static final String FILES_READ = "files_read";
  public static final String FILES_FAILED = "files_failed";
  public static final String BYTES_READ = "bytes_read";
  public static final String LINES_READ = "lines_read";
  public static final String LINES_BLANK = "lines_blank";
  public static final String ROWS_PARSED = "rows_parsed";
  public static final String LINES_REJECTED = "lines_rejected";

  /** Prefix of one counter per reject reason, e.g. {@code rejected_INVALID_JSON}. */
  public static final String REJECTED_PREFIX = "rejected_";

  public static final String APPS_SUCCEEDED = "apps_succeeded";
  public static final String APPS_FAILED = "apps_failed";

  /** Files and bytes this run lands, known once its claim is committed. */
  public static final String FILES_PLANNED = "files_planned";

  public static final String BYTES_PLANNED = "bytes_planned";

  /**
   * When the oldest file this run lands was last changed (epoch milliseconds): a Beam distribution,
   * of which reports read the minimum, so that a continuous run can say how long files waited.
   */
  public static final String PLANNED_MODIFIED_MILLIS = "planned_modified_millis";

  /** Claims committed (one per run that claimed anything; the start of reading). */
  public static final String CLAIMS_COMMITTED = "claims_committed";

  /** Applications whose files and statuses are being committed (the last stage). */
  public static final String APPS_RECORDING = "apps_recording";

  /** A Beam counter that also adds to this JVM's {@link LiveCounters}. */
  public static Counter counter(String name) {
    return new LiveCounter(Metrics.counter(NAMESPACE, name));
  }

  private static final class LiveCounter implements Counter, Serializable {
    private final Counter metric;
    private transient @Nullable LongAdder live;

    LiveCounter(Counter metric) {
      this.metric = metric;
    }

    @Override
    public void inc() {
      inc(1);
    }

    @Override
    public void inc(long n) {
      metric.inc(n);
      LongAdder total = live;
      if (total == null) {
        total = LiveCounters.adder(metric.getName().getName());
        live = total;
      }
      total.add(n);
    }

    @Override
    public void dec() {
      inc(-1);
    }

    @Override
    public void dec(long n) {
      inc(-n);
    }

    @Override
    public MetricName getName() {
      return metric.getName();
    }
  }
}

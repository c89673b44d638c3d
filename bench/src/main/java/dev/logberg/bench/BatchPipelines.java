package dev.logberg.bench;

import dev.logberg.upsert.MergeKeyResolver;
import dev.logberg.upsert.StagingTable;
import dev.logberg.upsert.UpsertIntoIceberg;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.util.SnapshotUtil;
import org.joda.time.Duration;

/**
 * The pipelines {@link UpsertBenchmark} times: one generated batch of {@link LogRows} written into
 * a table of the bench lake on the DirectRunner, appended or upserted; and what the table's
 * snapshots say of such a run.
 */
final class BatchPipelines {
  private final BenchLake lake;
  private final String[] beamArgs;

  BatchPipelines(BenchLake lake, String[] beamArgs) {
    this.lake = lake;
    this.beamArgs = beamArgs;
  }

  /** What a pipeline run writes with. */
  enum Mode {
    APPEND("AppendToIceberg"),
    /**
     * UpsertIntoIceberg as the pipeline uses it: the library's default threshold picks the path.
     */
    UPSERT_DEFAULT("UpsertIntoIceberg, default threshold"),
    /** UpsertIntoIceberg resolving inside one worker whatever the plan's size. */
    UPSERT_IN_PROCESS("UpsertIntoIceberg, in-process path"),
    /** UpsertIntoIceberg distributing the resolution by key whatever the plan's size. */
    UPSERT_DISTRIBUTED("UpsertIntoIceberg, distributed path");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** Wall time and outcome of one pipeline run. */
  record PipelineRun(
      long millis,
      long startEpochMillis,
      long endEpochMillis,
      long deletedRows,
      PipelineResult.State state,
      long resolutionMillis) {
    boolean finished() {
      return state == PipelineResult.State.DONE;
    }

    PipelineRun withResolution(long ms) {
      return new PipelineRun(millis, startEpochMillis, endEpochMillis, deletedRows, state, ms);
    }
  }

  /**
   * Round {@code round}'s batch of a table of {@code n} rows, generated inside the pipeline, into
   * table {@code name}. With {@code capSeconds > 0} the run is cancelled after that long.
   */
  BenchLake lake() {
    return lake;
  }

  /**
   * A table of {@code n} rows written by Iceberg's generic writer in one commit: the base of a run.
   */
  Table createBase(String prefix, long n, long rowsPerFile) {
    Table base = lake.create(prefix + "_base");
    BenchLake.commit(base, BenchLake.writeRows(base, n, rowsPerFile, i -> LogRows.record(i, n, 0)));
    return base;
  }

  PipelineRun run(String name, long n, int round, Mode mode, int capSeconds) {
    boolean upsert = mode != Mode.APPEND;
    PipelineOptions pipelineOptions =
        PipelineOptionsFactory.fromArgs(beamArgs).withValidation().create();
    if (capSeconds > 0) {
      pipelineOptions.as(DirectOptions.class).setBlockOnRun(false);
    }
    Pipeline pipeline = Pipeline.create(pipelineOptions);
    PCollection<Row> rows =
        pipeline
            .apply("Batch", GenerateSequence.from(0).to(LogRows.batchSize(n, round)))
            .apply("ToRows", MapElements.via(new LogRows.BatchRow(n, round)))
            .setRowSchema(LogRows.ROW_SCHEMA);
    TableIdentifier staging = null;
    if (upsert) {
      staging =
          StagingTable.create(lake.catalog(), BenchLake.id(name), "bench" + System.nanoTime());
      UpsertIntoIceberg transform =
          UpsertIntoIceberg.into(lake.workerSpec, BenchLake.id(name), staging, LogRows.KEYS);
      if (mode == Mode.UPSERT_IN_PROCESS) {
        transform = transform.withInProcessMaxRows(Long.MAX_VALUE);
      } else if (mode == Mode.UPSERT_DISTRIBUTED) {
        transform = transform.withInProcessMaxRows(0);
      }
      rows.apply("Upsert", transform);
    } else {
      rows.apply("Append", UpsertIntoIceberg.appendOnly(lake.workerSpec, BenchLake.id(name)));
    }
    long startEpoch = System.currentTimeMillis();
    long t0 = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state =
        capSeconds > 0
            ? result.waitUntilFinish(Duration.standardSeconds(capSeconds))
            : result.waitUntilFinish();
    long millis = millisSince(t0);
    long endEpoch = System.currentTimeMillis();
    if (state == null || !state.isTerminal()) {
      try {
        result.cancel();
      } catch (IOException | RuntimeException e) {
        System.out.println("cancelling the pipeline into " + name + " failed: " + e);
      }
      state = PipelineResult.State.CANCELLED;
    } else {
      check(state == PipelineResult.State.DONE, "pipeline into %s ended %s", name, state);
    }
    if (staging != null) {
      StagingTable.drop(lake.catalog(), staging);
    }
    long deleted = 0;
    if (upsert && state == PipelineResult.State.DONE) {
      for (MetricResult<Long> counter :
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.named("logberg.upsert", "rows_deleted"))
                      .build())
              .getCounters()) {
        deleted += counter.getAttempted();
      }
    }
    return new PipelineRun(millis, startEpoch, endEpoch, deleted, state, -1);
  }

  record Phases(long resolutionMillis, String text) {}

  /** Where an upsert pipeline's time went, from the commit times of the snapshots it made. */
  static Phases phases(Table table, long baseSnapshot, PipelineRun run) {
    long lastAppend = -1;
    long resolution = -1;
    int appends = 0;
    int addedFiles = 0;
    for (long id : snapshotsAfter(table, baseSnapshot)) {
      Snapshot s = table.snapshot(id);
      if ("resolve-merge-keys".equals(s.summary().get(MergeKeyResolver.OPERATION_PROPERTY))) {
        resolution = Math.max(resolution, s.timestampMillis());
      } else {
        appends++;
        addedFiles += Integer.parseInt(s.summary().getOrDefault("added-data-files", "0"));
        lastAppend = Math.max(lastAppend, s.timestampMillis());
      }
    }
    if (lastAppend < 0) {
      return new Phases(-1, "no append committed");
    }
    String appendPart =
        String.format(
            Locale.ROOT,
            "start to append commit %s (%d append snapshot(s), %d data files)",
            Samples.seconds(lastAppend - run.startEpochMillis()),
            appends,
            addedFiles);
    if (resolution < 0) {
      return new Phases(
          -1,
          appendPart
              + ", then no resolution commit in the remaining "
              + Samples.seconds(run.endEpochMillis() - lastAppend));
    }
    return new Phases(
        resolution - lastAppend,
        appendPart
            + String.format(
                Locale.ROOT,
                ", append commit to resolution commit %s, resolution commit to end %s",
                Samples.seconds(resolution - lastAppend),
                Samples.seconds(run.endEpochMillis() - resolution)));
  }

  /** Snapshots committed after {@code base}, oldest first. */
  static List<Long> snapshotsAfter(Table table, long base) {
    table.refresh();
    if (table.currentSnapshot().snapshotId() == base) {
      return List.of(); // (SnapshotUtil.snapshotIdsBetween(t, base, base) returns [base])
    }
    List<Long> ids =
        new ArrayList<>(
            SnapshotUtil.snapshotIdsBetween(table, base, table.currentSnapshot().snapshotId()));
    Collections.reverse(ids);
    return ids;
  }

  static long addedRecords(Table table, List<Long> snapshots) {
    return snapshots.stream()
        .mapToLong(
            id -> Long.parseLong(table.snapshot(id).summary().getOrDefault("added-records", "0")))
        .sum();
  }

  static long addedFiles(Table table, List<Long> snapshots) {
    return snapshots.stream()
        .mapToLong(
            id ->
                Long.parseLong(table.snapshot(id).summary().getOrDefault("added-data-files", "0")))
        .sum();
  }

  static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000;
  }

  /** Fails the benchmark: a measurement that checks false is not a measurement. */
  static void check(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalStateException("CHECK FAILED: " + String.format(format, args));
    }
  }
}

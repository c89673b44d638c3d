package dev.logberg.pipeline;

import dev.logberg.pipeline.discover.DiscoverApps;
import dev.logberg.pipeline.parse.ParseLogLine;
import dev.logberg.pipeline.read.ReadLines;
import dev.logberg.pipeline.status.ClaimWork;
import dev.logberg.pipeline.status.PlannedRun;
import dev.logberg.pipeline.status.RecordStatus;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.pipeline.tables.TableWriters;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.UpsertIntoIceberg;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;

/**
 * The one Logberg graph, built the same way for every runner.
 *
 * <pre>
 * DiscoverApps -> ClaimWork (reads the statuses of the applications found, skips the settled ones)
 *   -> ReadLines (the claimed files) -> ParseLogLine (one output, split into rows and outcomes)
 *   -> WriteLogs, WriteRejects (each staged, then published in one commit with the deletes its rows
 *      cause)
 *   -> (after both are published) RecordStatus (files, then statuses)
 * </pre>
 *
 * <p>Every write is an upsert by the table's merge keys, so a re-run, a retried bundle or a run
 * that takes over a dead one's claim never leaves two live rows for one line, one rejected line or
 * one application, in any snapshot.
 */
public final class LogbergPipeline {
  private LogbergPipeline() {}

  /**
   * Adds the graph to {@code pipeline}. The tables and this run's staging tables must exist ({@code
   * TableSetup}), and the run's {@code Heartbeat} must be beating. Reads only {@code config}: the
   * Beam options the pipeline was created with are Beam's business.
   */
  public static void build(Pipeline pipeline, RunConfig config) {
    LogbergTables tables = config.tables();
    RunContext context = config.context();
    CatalogSpec catalog = config.catalog().forWorkers();
    TableWriters writers =
        new TableWriters(catalog, context.jobId(), config.resolveInProcessMaxRows());
    PCollection<PlannedRun> runs =
        pipeline
            .apply("DiscoverApps", DiscoverApps.under(config.inputs(), config.s3()))
            .apply(
                "ClaimWork",
                ClaimWork.in(catalog, tables, config.policy(), context, config.heartbeatSeconds()));
    if (config.keepFanOutsOnDisk()) {
      // The claims feed reading and the statuses: recomputed for the second, the claim would be
      // committed again (see ParseLogLine#keptOnDisk).
      runs = runs.apply("KeepClaims", Reshuffle.viaRandomKey());
    }

    PCollectionTuple parsed =
        runs.apply(
                "ReadLines",
                ReadLines.of(config.maxLineBytes(), config.readGroups(), config.readGroupBytes()))
            .apply(
                "ParseLogLine",
                ParseLogLine.ingestedAt(context.startedAtMicros())
                    .keptOnDisk(config.keepFanOutsOnDisk()));
    PCollection<Row> dataCommits =
        parsed
            .get(ParseLogLine.ROWS)
            .apply("WriteLogs", writers.upsert(tables.dataTable(), SparkLogsTable.MERGE_KEYS));
    PCollection<Row> rejectCommits =
        parsed
            .get(ParseLogLine.REJECTS)
            .apply("WriteRejects", writers.upsert(tables.rejectsTable(), RejectsTable.MERGE_KEYS));

    PCollectionTuple.of(RecordStatus.RUNS, runs)
        .and(RecordStatus.ROW_COUNTS, parsed.get(ParseLogLine.ROW_COUNTS))
        .and(RecordStatus.REJECT_COUNTS, parsed.get(ParseLogLine.REJECT_COUNTS))
        .and(RecordStatus.FAILURES, parsed.get(ParseLogLine.FAILURES))
        .apply(
            "RecordStatus", RecordStatus.in(catalog, tables, context, dataCommits, rejectCommits));
    UpsertIntoIceberg.dropUnreadWrittenRows(pipeline);
  }
}

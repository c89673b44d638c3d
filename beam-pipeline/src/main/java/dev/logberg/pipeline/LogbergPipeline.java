package dev.logberg.pipeline;

import dev.logberg.pipeline.discover.DiscoverApps;
import dev.logberg.pipeline.parse.ParseLogLine;
import dev.logberg.pipeline.read.ReadLines;
import dev.logberg.pipeline.status.AppStatus;
import dev.logberg.pipeline.status.DecisionPolicy;
import dev.logberg.pipeline.status.FilterProcessed;
import dev.logberg.pipeline.status.MarkProcessing;
import dev.logberg.pipeline.status.PlannedRun;
import dev.logberg.pipeline.status.ReadLatestStatus;
import dev.logberg.pipeline.status.RecordStatus;
import dev.logberg.pipeline.storage.S3Settings;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.pipeline.tables.TableWriters;
import dev.logberg.upsert.CatalogSpec;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * The one Logberg graph, built the same way for every runner.
 *
 * <pre>
 * DiscoverApps -> FilterProcessed (side input: ReadLatestStatus) -> MarkProcessing
 *   -> (after PROCESSING is committed) ReadLines -> ParseLogLine -> WriteLogs, WriteRejects
 *   -> (after both are committed and their merge keys resolved) RecordStatus
 * </pre>
 *
 * <p>Every write is an upsert by the table's merge keys, so a re-run, a retried bundle or a grown
 * folder never leaves two live rows for one line, one rejected line or one application.
 */
public final class LogbergPipeline {
  private LogbergPipeline() {}

  /**
   * Adds the graph to {@code pipeline}. The tables must exist ({@code TableSetup}). Reads only
   * {@code config}: the Beam options the pipeline was created with are Beam's business.
   */
  public static void build(Pipeline pipeline, RunConfig config) {
    LogbergTables tables = config.tables();
    RunContext context = config.context();
    CatalogSpec catalog = config.catalog().forWorkers();
    DecisionPolicy policy = config.policy();
    TableWriters writers = new TableWriters(catalog, config.resolveInProcessMaxRows());
    S3Settings s3 = config.s3();
    PCollectionView<Map<String, AppStatus>> latest =
        pipeline.apply("ReadLatestStatus", ReadLatestStatus.from(catalog, tables.metadataTable()));
    PCollection<PlannedRun> runs =
        pipeline
            .apply("DiscoverApps", DiscoverApps.under(config.inputs(), s3))
            .apply(
                "FilterProcessed",
                FilterProcessed.using(latest, policy, context.startedAtMicros()));
    PCollection<Row> marked =
        runs.apply("MarkProcessing", MarkProcessing.in(writers, tables.metadataTable(), context));

    PCollectionTuple lines =
        runs.apply("AfterMarking", Wait.on(marked))
            .setCoder(runs.getCoder())
            .apply("ReadLines", ReadLines.of(config.maxLineBytes(), config.readGroups()));
    PCollectionTuple parsed =
        lines
            .get(ReadLines.LINES)
            .apply("ParseLogLine", ParseLogLine.ingestedAt(context.startedAtMicros()));
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
        .and(RecordStatus.FAILURES, lines.get(ReadLines.FAILURES))
        .apply(
            "RecordStatus",
            RecordStatus.in(writers, tables.metadataTable(), context, dataCommits, rejectCommits));
  }
}

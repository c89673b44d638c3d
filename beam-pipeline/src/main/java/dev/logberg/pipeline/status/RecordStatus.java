package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.TableWriters;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Records each processed application's outcome: SUCCESS with its counts, or FAILED with the errors
 * of the files that could not be read. Committed only after the data and rejects commits ({@code
 * Wait.on}), so SUCCESS never points at data that is not there.
 */
public final class RecordStatus extends PTransform<PCollectionTuple, PCollection<Row>> {
  public static final TupleTag<PlannedRun> RUNS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> REJECT_COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> FAILURES = new TupleTag<>() {};

  private final TableWriters writers;
  private final TableIdentifier table;
  private final RunContext context;
  private final List<PCollection<?>> commitsToWaitFor;

  private RecordStatus(
      TableWriters writers,
      TableIdentifier table,
      RunContext context,
      List<PCollection<?>> commitsToWaitFor) {
    this.writers = writers;
    this.table = table;
    this.context = context;
    this.commitsToWaitFor = commitsToWaitFor;
  }

  /**
   * Records the statuses in {@code table} once the given commits are done.
   *
   * @param commitsToWaitFor the outputs of the (upsert) writes the statuses vouch for
   */
  public static RecordStatus in(
      TableWriters writers,
      TableIdentifier table,
      RunContext context,
      PCollection<?>... commitsToWaitFor) {
    return new RecordStatus(writers, table, context, List.of(commitsToWaitFor));
  }

  @Override
  public PCollection<Row> expand(PCollectionTuple input) {
    PCollection<KV<String, PlannedRun>> runs =
        input
            .get(RUNS)
            .apply(
                "KeyByApp", WithKeys.of(PlannedRun::appId).withKeyType(TypeDescriptors.strings()));
    return KeyedPCollectionTuple.of(JOINED_RUN, runs)
        .and(JOINED_ROWS, input.get(ROW_COUNTS))
        .and(JOINED_REJECTS, input.get(REJECT_COUNTS))
        .and(JOINED_FAILURES, input.get(FAILURES))
        .apply("JoinByApp", CoGroupByKey.create())
        .apply("ToStatusRows", ParDo.of(new ToStatusRow(context)))
        .setRowSchema(ProcessingMetadataTable.ROW_SCHEMA)
        .apply("AfterDataCommits", Wait.on(commitsToWaitFor))
        .setRowSchema(ProcessingMetadataTable.ROW_SCHEMA)
        .apply("WriteMetadata", new WriteStatusRows(writers, table));
  }

  // The join's own tags: they name the values per application, where the input tags name whole
  // collections.
  private static final TupleTag<PlannedRun> JOINED_RUN = new TupleTag<>() {};
  private static final TupleTag<Long> JOINED_ROWS = new TupleTag<>() {};
  private static final TupleTag<Long> JOINED_REJECTS = new TupleTag<>() {};
  private static final TupleTag<String> JOINED_FAILURES = new TupleTag<>() {};

  static final class ToStatusRow extends DoFn<KV<String, CoGbkResult>, Row> {
    private final RunContext context;

    ToStatusRow(RunContext context) {
      this.context = context;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, OutputReceiver<Row> out) {
      CoGbkResult result = joined.getValue();
      PlannedRun run = result.getOnly(JOINED_RUN, null);
      if (run == null) {
        throw new IllegalStateException(
            "counts for " + joined.getKey() + ", which this run did not plan");
      }
      long records = sum(result.getAll(JOINED_ROWS));
      long rejected = sum(result.getAll(JOINED_REJECTS));
      List<String> errors = new ArrayList<>();
      result.getAll(JOINED_FAILURES).forEach(errors::add);
      long end = Math.max(RunContext.nowMicros(), context.startedAtMicros() + 1);
      if (errors.isEmpty()) {
        Counters.counter(Counters.APPS_SUCCEEDED).inc();
        out.output(StatusRows.success(run, context, records, rejected, end));
      } else {
        Counters.counter(Counters.APPS_FAILED).inc();
        errors.sort(null);
        out.output(
            StatusRows.failed(run, context, records, rejected, String.join("; ", errors), end));
      }
    }

    private static long sum(Iterable<Long> counts) {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      return total;
    }
  }
}

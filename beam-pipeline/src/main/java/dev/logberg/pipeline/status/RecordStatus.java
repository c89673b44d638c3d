package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.FaultPoints;
import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.StagingTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
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
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;

/**
 * Records each claimed application's outcome once its data is published ({@code Wait.on}, and
 * whatever was staged but not published is published first): then the files-table rows of the files
 * it landed, then its status row (SUCCESS with its counts, or FAILED with the errors of the files
 * that could not be read), which replaces the claim. A crash in between leaves the claim, which
 * lapses; the run that takes over finds the files landed.
 */
public final class RecordStatus extends PTransform<PCollectionTuple, PCollection<Integer>> {
  public static final TupleTag<PlannedRun> RUNS = new TupleTag<>() {};

  /** Rows landed, by source file. */
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>() {};

  /** Lines rejected, by source file. */
  public static final TupleTag<KV<String, Long>> REJECT_COUNTS = new TupleTag<>() {};

  /** (application, (source file, error)) of the files that could not be read. */
  public static final TupleTag<KV<String, KV<String, String>>> FAILURES = new TupleTag<>() {};

  /** Fault point (see {@link FaultPoints}): the data is published, no status recorded yet. */
  public static final String PUBLISHED = "published";

  private final CatalogSpec catalog;
  private final LogbergTables tables;
  private final RunContext context;
  private final List<PCollection<?>> commitsToWaitFor;

  private RecordStatus(
      CatalogSpec catalog,
      LogbergTables tables,
      RunContext context,
      List<PCollection<?>> commitsToWaitFor) {
    this.catalog = catalog;
    this.tables = tables;
    this.context = context;
    this.commitsToWaitFor = commitsToWaitFor;
  }

  /**
   * Records the statuses once the given commits are done.
   *
   * @param commitsToWaitFor the outputs of the (upsert) writes the statuses vouch for
   */
  public static RecordStatus in(
      CatalogSpec catalog,
      LogbergTables tables,
      RunContext context,
      PCollection<?>... commitsToWaitFor) {
    return new RecordStatus(catalog, tables, context, List.of(commitsToWaitFor));
  }

  @Override
  public PCollection<Integer> expand(PCollectionTuple input) {
    PCollection<KV<String, PlannedRun>> runs =
        input
            .get(RUNS)
            .apply(
                "KeyByApp", WithKeys.of(PlannedRun::appId).withKeyType(TypeDescriptors.strings()));
    return KeyedPCollectionTuple.of(JOINED_RUN, runs)
        .and(JOINED_ROWS, byApp(input.get(ROW_COUNTS), "RowsByApp"))
        .and(JOINED_REJECTS, byApp(input.get(REJECT_COUNTS), "RejectsByApp"))
        .and(JOINED_FAILURES, input.get(FAILURES))
        .apply("JoinByApp", CoGroupByKey.create())
        .apply("ToStatusUpdates", ParDo.of(new ToStatusUpdate()))
        .setCoder(SerializableCoder.of(StatusUpdate.class))
        .apply("AfterDataCommits", Wait.on(commitsToWaitFor))
        .setCoder(SerializableCoder.of(StatusUpdate.class))
        .apply("OneKey", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(StatusUpdate.class)))
        .apply("AllUpdates", GroupByKey.create())
        .apply("Commit", ParDo.of(new CommitFn(catalog, tables, context)));
  }

  private static PCollection<KV<String, KV<String, Long>>> byApp(
      PCollection<KV<String, Long>> countsByFile, String name) {
    return countsByFile
        .apply(
            name,
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.strings(),
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())))
                .via((KV<String, Long> c) -> KV.of(appOf(c.getKey()), c)))
        .setCoder(
            KvCoder.of(StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
  }

  /** A source file's path starts with its application folder ({@code LogFile#sourceFile}). */
  static String appOf(String sourceFile) {
    int slash = sourceFile.indexOf('/');
    return slash < 0 ? sourceFile : sourceFile.substring(0, slash);
  }

  // The join's own tags: they name the values per application, where the input tags name whole
  // collections.
  private static final TupleTag<PlannedRun> JOINED_RUN = new TupleTag<>() {};
  private static final TupleTag<KV<String, Long>> JOINED_ROWS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Long>> JOINED_REJECTS = new TupleTag<>() {};
  private static final TupleTag<KV<String, String>> JOINED_FAILURES = new TupleTag<>() {};

  static final class ToStatusUpdate extends DoFn<KV<String, CoGbkResult>, StatusUpdate> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, OutputReceiver<StatusUpdate> out) {
      CoGbkResult result = joined.getValue();
      PlannedRun run = result.getOnly(JOINED_RUN, null);
      if (run == null) {
        throw new IllegalStateException(
            "counts for " + joined.getKey() + ", which this run did not plan");
      }
      out.output(
          new StatusUpdate(
              run,
              collect(result.getAll(JOINED_ROWS)),
              collect(result.getAll(JOINED_REJECTS)),
              collect(result.getAll(JOINED_FAILURES)),
              RunContext.nowMicros()));
    }

    private static <V> Map<String, V> collect(Iterable<KV<String, V>> byFile) {
      Map<String, V> map = new HashMap<>();
      byFile.forEach(kv -> map.put(kv.getKey(), kv.getValue()));
      return map;
    }
  }

  static final class CommitFn extends DoFn<KV<Integer, Iterable<StatusUpdate>>, Integer> {
    private final CatalogSpec catalog;
    private final LogbergTables tables;
    private final RunContext context;

    CommitFn(CatalogSpec catalog, LogbergTables tables, RunContext context) {
      this.catalog = catalog;
      this.tables = tables;
      this.context = context;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<StatusUpdate>> updates, OutputReceiver<Integer> out) {
      FaultPoints.reach(PUBLISHED);
      List<Record> files = new ArrayList<>();
      List<Record> statuses = new ArrayList<>();
      int succeeded = 0;
      int failed = 0;
      updates.getValue().forEach(u -> Counters.counter(Counters.APPS_RECORDING).inc());
      for (StatusUpdate update : updates.getValue()) {
        files.addAll(update.fileRows(context));
        statuses.add(update.statusRow(context));
        if (update.succeeded()) {
          succeeded++;
        } else {
          failed++;
        }
      }
      catalog.apply(
          (Catalog c) -> {
            publishStaged(c, tables.dataTable(), SparkLogsTable.MERGE_KEYS);
            publishStaged(c, tables.rejectsTable(), RejectsTable.MERGE_KEYS);
            // Only now, with every row of the run published, are its files recorded as landed.
            TableCommits.publish(
                context.jobId(), c.loadTable(tables.filesTable()), FilesTable.MERGE_KEYS, files);
            TableCommits.publish(
                context.jobId(),
                c.loadTable(tables.metadataTable()),
                ProcessingMetadataTable.MERGE_KEYS,
                statuses);
            return null;
          });
      Counters.counter(Counters.APPS_SUCCEEDED).inc(succeeded);
      Counters.counter(Counters.APPS_FAILED).inc(failed);
      out.output(statuses.size());
    }

    /**
     * Publishes what this run staged for {@code target} and no reported snapshot published (see
     * {@link StagingTable#publishStaged}): a file is recorded as landed only once its rows are.
     */
    private void publishStaged(Catalog c, TableIdentifier target, MergeKeys keys) {
      StagingTable.publishStaged(
          RunFencing.onBehalfOf(c.loadTable(target), context.jobId()),
          c.loadTable(StagingTable.identifier(target, context.jobId())),
          keys);
    }
  }
}

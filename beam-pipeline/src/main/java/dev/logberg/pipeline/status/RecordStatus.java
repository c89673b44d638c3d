package dev.logberg.pipeline.status;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.StagingTable;
import dev.logberg.upsert.faults.FaultPoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
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

  /**
   * Rows landed, by source file: partial counts, summed here. A sum per file before the join would
   * be a grouping with a key per file, and the DirectRunner's cost per key timer grows with their
   * number.
   */
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>() {};

  /** Lines rejected, by source file: partial counts, summed here. */
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
    PCollection<PlannedRun> runs = input.get(RUNS);
    // One key, and only small values through it: the claim step's runs (with their folders' file
    // lists) reach the join as a side input. A key per application cost a runner bundle per
    // application, and on the DirectRunner a key's state is copied for every bundle it receives.
    PCollectionView<List<PlannedRun>> planned = runs.apply("PlannedRuns", View.asList());
    return KeyedPCollectionTuple.of(
            JOINED_APPS,
            allOf(
                runs.apply(
                        "AppIds",
                        MapElements.into(TypeDescriptors.strings()).via(PlannedRun::appId))
                    .setCoder(StringUtf8Coder.of()),
                "Apps"))
        .and(JOINED_ROWS, allOf(input.get(ROW_COUNTS), "RowCounts"))
        .and(JOINED_REJECTS, allOf(input.get(REJECT_COUNTS), "RejectCounts"))
        .and(JOINED_FAILURES, allOf(input.get(FAILURES), "Failures"))
        .apply("JoinAll", CoGroupByKey.create())
        .apply("ToStatusUpdates", ParDo.of(new ToStatusUpdates(planned)).withSideInputs(planned))
        .setCoder(SerializableCoder.of(StatusUpdates.class))
        .apply("AfterDataCommits", Wait.on(commitsToWaitFor))
        .setCoder(SerializableCoder.of(StatusUpdates.class))
        .apply("Commit", ParDo.of(new CommitFn(catalog, tables, context)));
  }

  private static <T> PCollection<KV<Integer, T>> allOf(PCollection<T> elements, String name) {
    return elements
        .apply(name, WithKeys.<Integer, T>of(0).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), elements.getCoder()));
  }

  /** A source file's path starts with its application folder ({@code LogFile#sourceFile}). */
  static String appOf(String sourceFile) {
    int slash = sourceFile.indexOf('/');
    return slash < 0 ? sourceFile : sourceFile.substring(0, slash);
  }

  // The join's own tags: they name the values of the one key, where the input tags name whole
  // collections.
  private static final TupleTag<String> JOINED_APPS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Long>> JOINED_ROWS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Long>> JOINED_REJECTS = new TupleTag<>() {};
  private static final TupleTag<KV<String, KV<String, String>>> JOINED_FAILURES =
      new TupleTag<>() {};

  /** Every claimed application's outcome: one element, recorded at once. */
  static final class StatusUpdates extends ArrayList<StatusUpdate> {
    private static final long serialVersionUID = 1L;
  }

  static final class ToStatusUpdates extends DoFn<KV<Integer, CoGbkResult>, StatusUpdates> {
    private final PCollectionView<List<PlannedRun>> planned;

    ToStatusUpdates(PCollectionView<List<PlannedRun>> planned) {
      this.planned = planned;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      CoGbkResult result = c.element().getValue();
      Map<String, Map<String, Long>> rows = byApp(result.getAll(JOINED_ROWS));
      Map<String, Map<String, Long>> rejects = byApp(result.getAll(JOINED_REJECTS));
      Map<String, Map<String, String>> errors = new HashMap<>();
      for (KV<String, KV<String, String>> failure : result.getAll(JOINED_FAILURES)) {
        errors
            .computeIfAbsent(failure.getKey(), a -> new HashMap<>())
            .put(failure.getValue().getKey(), failure.getValue().getValue());
      }
      Set<String> apps = new HashSet<>();
      result.getAll(JOINED_APPS).forEach(apps::add);
      for (Map<String, ?> outcomes : List.of(rows, rejects, errors)) {
        for (String app : outcomes.keySet()) {
          if (!apps.contains(app)) {
            throw new IllegalStateException(
                "outcomes for " + app + ", which this run did not plan");
          }
        }
      }
      long now = RunContext.nowMicros();
      StatusUpdates updates = new StatusUpdates();
      for (PlannedRun run : c.sideInput(planned)) {
        updates.add(
            new StatusUpdate(
                run,
                rows.getOrDefault(run.appId(), Map.of()),
                rejects.getOrDefault(run.appId(), Map.of()),
                errors.getOrDefault(run.appId(), Map.of()),
                now));
      }
      if (!updates.isEmpty()) {
        c.output(updates);
      }
    }

    private static Map<String, Map<String, Long>> byApp(Iterable<KV<String, Long>> byFile) {
      Map<String, Map<String, Long>> byApp = new HashMap<>();
      byFile.forEach(
          kv ->
              byApp
                  .computeIfAbsent(appOf(kv.getKey()), a -> new HashMap<>())
                  .merge(kv.getKey(), kv.getValue(), Long::sum));
      return byApp;
    }
  }

  static final class CommitFn extends DoFn<StatusUpdates, Integer> {
    private final CatalogSpec catalog;
    private final LogbergTables tables;
    private final RunContext context;

    CommitFn(CatalogSpec catalog, LogbergTables tables, RunContext context) {
      this.catalog = catalog;
      this.tables = tables;
      this.context = context;
    }

    @ProcessElement
    public void process(@Element StatusUpdates updates, OutputReceiver<Integer> out) {
      FaultPoints.reach(PUBLISHED);
      List<Record> files = new ArrayList<>();
      List<Record> statuses = new ArrayList<>();
      int succeeded = 0;
      int failed = 0;
      Counters.counter(Counters.APPS_RECORDING).inc(updates.size());
      for (StatusUpdate update : updates) {
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

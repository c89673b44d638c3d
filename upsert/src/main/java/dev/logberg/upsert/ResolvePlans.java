package dev.logberg.upsert;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs resolution plans in the graph: scan the planned files' keys in parallel, group rows by key
 * (a GroupByKey, so every runner distributes it), pick one winner per key, and commit the new files
 * and the deletes of all the other rows in one validated RowDelta ({@link ResolutionCommitter}). If
 * that commit conflicts with a concurrent one, the resolution is recomputed in the committing
 * worker from the new snapshot ({@link MergeKeyResolver}).
 *
 * <p>Existing files are scanned with the set of the added rows' key hashes as a side input, so only
 * rows whose key the batch wrote cross the shuffle. The output has one row per plan: {@link
 * #RESULT_SCHEMA}.
 *
 * <p>A plan whose added files hold at most {@code inProcessMaxRows} rows is resolved inside one
 * worker instead, as a query planner broadcasts a small join side: the same steps without shuffles
 * take well under a second there, where each shuffle stage costs seconds on the DirectRunner (see
 * BENCHMARKS.md). Set it to 0 to always distribute.
 */
final class ResolvePlans extends PTransform<PCollection<ResolutionPlan>, PCollection<Row>> {
  public static final Schema RESULT_SCHEMA =
      Schema.builder()
          .addStringField("table")
          .addInt64Field("snapshot_id")
          .addInt64Field("deleted_rows")
          .addInt64Field("added_rows")
          .build();

  /**
   * Counters of the resolution, for run reports: rows deleted and existing files and rows read to
   * find the batch's keys (both paths), keyed rows shuffled (distributed).
   */
  public static final String METRICS_NAMESPACE = "logberg.upsert";

  public static final String ROWS_DELETED = "rows_deleted";
  public static final String ROWS_SHUFFLED = "keyed_rows_shuffled";
  public static final String EXISTING_FILES_READ = "existing_files_read";
  public static final String EXISTING_ROWS_READ = "existing_rows_read";
  private static final TupleTag<ResolutionPlan> PLAN = new TupleTag<>() {};
  private static final TupleTag<FileDeletes> FILE_DELETES = new TupleTag<>() {};
  private static final TupleTag<ResolutionPlan> SMALL = new TupleTag<>() {};
  private static final TupleTag<ResolutionPlan> LARGE = new TupleTag<>() {};

  /** Plans that read up to this many rows are resolved in one worker by default. */
  public static final long DEFAULT_IN_PROCESS_MAX_ROWS = 2_000_000L;

  private final UpsertTarget target;

  private ResolvePlans(UpsertTarget target) {
    this.target = target;
  }

  static ResolvePlans of(UpsertTarget target) {
    return new ResolvePlans(target);
  }

  @Override
  public PCollection<Row> expand(PCollection<ResolutionPlan> allPlans) {
    PCollectionTuple bySize =
        allPlans.apply(
            "BySize",
            ParDo.of(new BySizeFn(target.inProcessMaxRows()))
                .withOutputTags(SMALL, TupleTagList.of(LARGE)));
    PCollection<Row> small =
        bySize
            .get(SMALL)
            .setCoder(SerializableCoder.of(ResolutionPlan.class))
            .apply("ResolveInProcess", ParDo.of(new InProcessFn(target.handle(), target.keys())))
            .setRowSchema(RESULT_SCHEMA);
    PCollection<Row> large =
        distributed(bySize.get(LARGE).setCoder(SerializableCoder.of(ResolutionPlan.class)));
    return PCollectionList.of(small).and(large).apply("Results", Flatten.pCollections());
  }

  private PCollection<Row> distributed(PCollection<ResolutionPlan> plans) {
    String name = target.table().toString();
    KvCoder<String, KeyedRow> rowCoder = KvCoder.of(StringUtf8Coder.of(), KeyedRowCoder.of());
    PCollection<KV<String, KeyedRow>> addedRows =
        files(plans, "AddedFiles", true)
            .apply("ScanAddedKeys", ParDo.of(new ScanKeysFn(target.handle(), target.keys(), null)))
            .setCoder(rowCoder);
    PCollectionView<KeyHashes> batchKeys =
        addedRows
            .apply(
                "KeyHashes",
                MapElements.into(TypeDescriptors.longs())
                    .via((KV<String, KeyedRow> kv) -> KeyHashes.hash(kv.getKey())))
            .apply("KeySet", Combine.globally(new KeyHashesFn()).asSingletonView());
    PCollection<KV<String, KeyedRow>> existingRows =
        files(plans, "ExistingFiles", false)
            .apply(
                "ScanExistingKeys",
                ParDo.of(new ScanKeysFn(target.handle(), target.keys(), batchKeys))
                    .withSideInputs(batchKeys))
            .setCoder(rowCoder);

    // Losers are gathered per data file before the one commit per table: its join then holds one
    // element per file touched, not one per row (a single key with many values is slow to group on
    // some runners).
    PCollection<KV<String, FileDeletes>> deletesByFile =
        PCollectionList.of(addedRows)
            .and(existingRows)
            .apply("AllKeyedRows", Flatten.pCollections())
            .apply("GroupByKey", GroupByKey.create())
            .apply("PickWinners", ParDo.of(new PickLosersFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("ByDataFile", GroupByKey.create())
            .apply(
                "FileDeletes",
                MapElements.into(TypeDescriptor.of(FileDeletes.class)).via(FileDeletes::of))
            .setCoder(SerializableCoder.of(FileDeletes.class))
            .apply("ForTable", WithKeys.of(name))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(FileDeletes.class)));

    return KeyedPCollectionTuple.of(
            PLAN,
            plans
                .apply("PlanByTable", WithKeys.of(name))
                .setCoder(
                    KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ResolutionPlan.class))))
        .and(FILE_DELETES, deletesByFile)
        .apply("JoinPlanAndLosers", CoGroupByKey.create())
        .apply("Commit", ParDo.of(new CommitFn(target.handle(), target.keys())))
        .setRowSchema(RESULT_SCHEMA);
  }

  private static PCollection<ScanFile> files(
      PCollection<ResolutionPlan> plans, String name, boolean added) {
    return plans
        .apply(
            name,
            FlatMapElements.into(TypeDescriptor.of(ScanFile.class))
                .via((ResolutionPlan p) -> added ? p.added() : p.existing()))
        .setCoder(SerializableCoder.of(ScanFile.class))
        .apply(name + "Spread", Reshuffle.viaRandomKey());
  }

  static final class ScanKeysFn extends DoFn<ScanFile, KV<String, KeyedRow>> {
    private final TableHandle table;
    private final MergeKeys keys;
    private final @Nullable PCollectionView<KeyHashes> filter;
    private final Counter scanned = Metrics.counter(METRICS_NAMESPACE, ROWS_SHUFFLED);
    private final Counter existingFiles = Metrics.counter(METRICS_NAMESPACE, EXISTING_FILES_READ);
    private final Counter existingRows = Metrics.counter(METRICS_NAMESPACE, EXISTING_ROWS_READ);
    private transient @Nullable KeyScanner scanner;

    ScanKeysFn(TableHandle table, MergeKeys keys, @Nullable PCollectionView<KeyHashes> filter) {
      this.table = table;
      this.keys = keys;
      this.filter = filter;
    }

    @ProcessElement
    public void process(@Element ScanFile file, ProcessContext context) {
      if (scanner == null) {
        scanner = new KeyScanner(table.fresh(), keys);
      }
      KeyHashes batch = filter == null ? null : context.sideInput(filter);
      long rowsBefore = scanner.rowsRead();
      scanned.inc(scanner.scan(file, batch, (key, row) -> context.output(KV.of(key, row))));
      if (filter != null) { // the scan of existing files: what pruning did not save
        existingFiles.inc();
        existingRows.inc(scanner.rowsRead() - rowsBefore);
      }
    }

    @Teardown
    public void teardown() {
      table.close();
    }
  }

  /** Emits (data file, position) for every row that lost to another with its key. */
  static final class PickLosersFn extends DoFn<KV<String, Iterable<KeyedRow>>, KV<String, Long>> {
    private final Counter duplicates = Metrics.counter(METRICS_NAMESPACE, "rows_superseded");

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<KeyedRow>> rows, OutputReceiver<KV<String, Long>> out) {
      for (KeyedRow loser : WinnerSelection.losers(rows.getValue())) {
        duplicates.inc();
        out.output(KV.of(loser.file(), loser.position()));
      }
    }
  }

  /** The positions to delete in one data file. */
  record FileDeletes(String file, long[] positions) implements java.io.Serializable {
    static FileDeletes of(KV<String, Iterable<Long>> grouped) {
      List<Long> positions = new ArrayList<>();
      grouped.getValue().forEach(positions::add);
      return new FileDeletes(
          grouped.getKey(), positions.stream().mapToLong(Long::longValue).toArray());
    }
  }

  private static Row result(String table, MergeKeyResolver.Outcome outcome) {
    return Row.withSchema(RESULT_SCHEMA)
        .addValues(table, outcome.snapshotId(), outcome.deletedRows(), outcome.addedRows())
        .build();
  }

  static final class BySizeFn extends DoFn<ResolutionPlan, ResolutionPlan> {
    private final long inProcessMaxRows;

    BySizeFn(long inProcessMaxRows) {
      this.inProcessMaxRows = inProcessMaxRows;
    }

    @ProcessElement
    public void process(@Element ResolutionPlan plan, MultiOutputReceiver out) {
      // In-process memory grows with the batch's keys; the scan of existing files only keeps rows
      // with those keys.
      out.get(plan.addedRecords() <= inProcessMaxRows ? SMALL : LARGE).output(plan);
    }
  }

  /** Resolves a small plan inside this worker: the same steps, without shuffles. */
  static final class InProcessFn extends DoFn<ResolutionPlan, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessFn.class);
    private final TableHandle table;
    private final MergeKeys keys;
    private final Counter deleted = Metrics.counter(METRICS_NAMESPACE, ROWS_DELETED);
    private final Counter existingFiles = Metrics.counter(METRICS_NAMESPACE, EXISTING_FILES_READ);
    private final Counter existingRows = Metrics.counter(METRICS_NAMESPACE, EXISTING_ROWS_READ);

    InProcessFn(TableHandle table, MergeKeys keys) {
      this.table = table;
      this.keys = keys;
    }

    @ProcessElement
    public void process(@Element ResolutionPlan plan, OutputReceiver<Row> out) {
      long start = System.nanoTime();
      MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolvePlan(table.fresh(), keys, plan);
      LOG.info(
          "Resolved merge keys of {} in process in {} ms: {} rows deleted; read {} existing files ({} rows)",
          table.name(),
          (System.nanoTime() - start) / 1_000_000,
          outcome.deletedRows(),
          outcome.existingFilesRead(),
          outcome.existingRowsRead());
      deleted.inc(outcome.deletedRows());
      existingFiles.inc(outcome.existingFilesRead());
      existingRows.inc(outcome.existingRowsRead());
      out.output(result(table.name(), outcome));
    }

    @Teardown
    public void teardown() {
      table.close();
    }
  }

  static final class CommitFn extends DoFn<KV<String, CoGbkResult>, Row> {
    private final TableHandle table;
    private final MergeKeys keys;
    private final Counter deleted = Metrics.counter(METRICS_NAMESPACE, ROWS_DELETED);

    CommitFn(TableHandle table, MergeKeys keys) {
      this.table = table;
      this.keys = keys;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, OutputReceiver<Row> out) {
      ResolutionPlan plan = joined.getValue().getOnly(PLAN);
      DeletePlan deletes = new DeletePlan();
      joined.getValue().getAll(FILE_DELETES).forEach(f -> deletes.add(f.file(), f.positions()));
      MergeKeyResolver.Outcome outcome =
          MergeKeyResolver.commitOrRecompute(table.fresh(), keys, plan, deletes);
      deleted.inc(outcome.deletedRows());
      out.output(result(table.name(), outcome));
    }

    @Teardown
    public void teardown() {
      table.close();
    }
  }

  /** Collects the batch's key hashes into a {@link KeyHashes}. */
  static final class KeyHashesFn extends Combine.CombineFn<Long, KeyHashes.Builder, KeyHashes> {
    @Override
    public KeyHashes.Builder createAccumulator() {
      return new KeyHashes.Builder();
    }

    @Override
    public KeyHashes.Builder addInput(KeyHashes.Builder hashes, Long hash) {
      return hashes.add(hash);
    }

    @Override
    public KeyHashes.Builder mergeAccumulators(Iterable<KeyHashes.Builder> accumulators) {
      KeyHashes.Builder merged = new KeyHashes.Builder();
      accumulators.forEach(merged::addAll);
      return merged;
    }

    @Override
    public KeyHashes extractOutput(KeyHashes.Builder hashes) {
      return hashes.build();
    }
  }
}

package dev.logberg.upsert;

import dev.logberg.upsert.faults.FaultPoints;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what a Managed Iceberg write staged, one live row per merge key: applied to the {@code
 * snapshots} output of that write into a staging table ({@link StagingTable}), it plans one
 * publication into the target for all the snapshots the write committed and runs it ({@link
 * ResolvePlans}).
 */
final class ResolveMergeKeys extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Fault point ({@link FaultPoints}): the rows are staged, not published. */
  static final String STAGED = "staged";

  /**
   * Test seam: with this system property {@code true}, the write's snapshots are dropped, as Beam's
   * io-iceberg 2.67 reports none for a retried commit whose files were already committed.
   */
  static final String UNREPORTED_SNAPSHOTS = "logberg.test.unreportedSnapshots";

  private final UpsertTarget target;
  private final TableIdentifier staging;

  private ResolveMergeKeys(UpsertTarget target, TableIdentifier staging) {
    this.target = target;
    this.staging = staging;
  }

  static ResolveMergeKeys of(UpsertTarget target, TableIdentifier staging) {
    return new ResolveMergeKeys(target, staging);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> snapshots) {
    // The snapshot ids only say that the write committed: the plan takes every staged file.
    return snapshots
        .apply(
            "SnapshotIds",
            FlatMapElements.into(TypeDescriptors.longs())
                .via(
                    (Row r) ->
                        Boolean.getBoolean(UNREPORTED_SNAPSHOTS)
                            ? List.<Long>of()
                            : List.of(r.getInt64("snapshot_id"))))
        .apply("ByTable", WithKeys.of(staging.toString()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("AllStagedSnapshots", GroupByKey.create())
        .apply(
            "Plan",
            ParDo.of(
                new PlanFn(
                    target.handle(), new TableHandle(target.catalog(), staging), target.keys())))
        .setCoder(SerializableCoder.of(ResolutionPlan.class))
        .apply("Resolve", ResolvePlans.of(target));
  }

  /** One plan per write: every file it staged. */
  static final class PlanFn extends DoFn<KV<String, Iterable<Long>>, ResolutionPlan> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanFn.class);
    private final TableHandle table;
    private final TableHandle staging;
    private final MergeKeys keys;

    PlanFn(TableHandle table, TableHandle staging, MergeKeys keys) {
      this.table = table;
      this.staging = staging;
      this.keys = keys;
    }

    @ProcessElement
    public void process(OutputReceiver<ResolutionPlan> out) {
      FaultPoints.reach(STAGED);
      Table current = table.fresh();
      ResolutionPlan plan = ResolutionPlan.forStaging(current, staging.fresh(), keys);
      LOG.info(
          "Publishing {} staged files ({} rows) of {} into {} by merge keys {}, against {} existing"
              + " files of {} live",
          plan.added().size(),
          plan.addedRecords(),
          staging.name(),
          table.name(),
          keys.columns(),
          plan.existing().size(),
          liveDataFiles(current, plan));
      if (!plan.isEmpty()) {
        out.output(plan);
      }
    }

    /**
     * From the base snapshot's summary, so that the log shows what pruning left out without listing
     * the files.
     */
    private static String liveDataFiles(Table table, ResolutionPlan plan) {
      Snapshot base = plan.baseSnapshotId() < 0 ? null : table.snapshot(plan.baseSnapshotId());
      String total =
          base == null ? null : base.summary().get(SnapshotSummary.TOTAL_DATA_FILES_PROP);
      return total == null ? "0" : total;
    }

    @Teardown
    public void teardown() {
      table.close();
      staging.close();
    }
  }
}

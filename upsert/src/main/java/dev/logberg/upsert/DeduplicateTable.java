package dev.logberg.upsert;

import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance: leaves one live row per merge key in a whole existing table, distributed like a
 * publication's resolution (every live file's keys are grouped by key). For a table written by
 * another engine, or before upserts.
 */
final class DeduplicateTable extends PTransform<PBegin, PCollection<Row>> {
  private final UpsertTarget target;

  private DeduplicateTable(UpsertTarget target) {
    this.target = target;
  }

  /**
   * Resolutions whose plan holds at most this many rows run inside one worker; larger ones are
   * distributed by key. 0 always distributes. Default {@link
   * UpsertIntoIceberg#DEFAULT_IN_PROCESS_MAX_ROWS}.
   */
  public DeduplicateTable withInProcessMaxRows(long rows) {
    return new DeduplicateTable(target.withInProcessMaxRows(rows));
  }

  public static DeduplicateTable of(CatalogSpec catalog, TableIdentifier table, MergeKeys keys) {
    return new DeduplicateTable(UpsertTarget.of(catalog, table, keys));
  }

  @Override
  public PCollection<Row> expand(PBegin begin) {
    return begin
        .apply("Impulse", Impulse.create())
        .apply("PlanWholeTable", ParDo.of(new PlanWholeTableFn(target.handle(), target.keys())))
        .setCoder(SerializableCoder.of(ResolutionPlan.class))
        .apply("Resolve", ResolvePlans.of(target));
  }

  static final class PlanWholeTableFn extends DoFn<byte[], ResolutionPlan> {
    private static final Logger LOG = LoggerFactory.getLogger(PlanWholeTableFn.class);
    private final TableHandle table;
    private final MergeKeys keys;

    PlanWholeTableFn(TableHandle table, MergeKeys keys) {
      this.table = table;
      this.keys = keys;
    }

    @ProcessElement
    public void process(OutputReceiver<ResolutionPlan> out) {
      ResolutionPlan plan = ResolutionPlan.wholeTable(table.fresh(), keys);
      LOG.info(
          "Deduplicating {} by {}: {} files, {} rows",
          table.name(),
          keys.columns(),
          plan.added().size(),
          plan.addedRecords());
      if (!plan.isEmpty()) {
        out.output(plan);
      }
    }

    @Teardown
    public void teardown() {
      table.close();
    }
  }
}

package dev.logberg.upsert;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Writes rows into an Iceberg table so that each merge key has exactly one live row afterwards, and
 * a reader sees all of a batch or none of it: Managed Iceberg writes the rows into a staging table
 * ({@link StagingTable}) whose files lie in the target's data location, then {@link
 * ResolveMergeKeys} publishes those files into the target in one commit, with the deletes of every
 * row that lost to another with the same key. Rows of earlier runs, duplicates inside the batch and
 * rows of a retried bundle are all resolved, for any Iceberg reader; a publication retried after it
 * committed commits nothing again.
 *
 * <p>The output has one row per publication (table, snapshot id, rows deleted, rows added), none
 * for an empty batch; wait on it to order a later step after the data is published.
 */
public final class UpsertIntoIceberg extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Default of {@link #withInProcessMaxRows}. */
  public static final long DEFAULT_IN_PROCESS_MAX_ROWS = ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS;

  /** Namespace of the resolution's Beam counters. */
  public static final String METRICS_NAMESPACE = ResolvePlans.METRICS_NAMESPACE;

  /** Counter: rows deleted because another row of their key won. */
  public static final String ROWS_DELETED = ResolvePlans.ROWS_DELETED;

  /** Counter: keyed rows shuffled by distributed resolutions (0 when all ran in process). */
  public static final String ROWS_SHUFFLED = ResolvePlans.ROWS_SHUFFLED;

  private final UpsertTarget target;
  private final TableIdentifier staging;

  private UpsertIntoIceberg(UpsertTarget target, TableIdentifier staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Resolutions whose batch added at most this many rows run inside one worker (the existing files
   * they read are not counted); larger ones are distributed by key. 0 always distributes. Default
   * {@link #DEFAULT_IN_PROCESS_MAX_ROWS}.
   */
  public UpsertIntoIceberg withInProcessMaxRows(long rows) {
    return new UpsertIntoIceberg(target.withInProcessMaxRows(rows), staging);
  }

  /**
   * Declares columns whose value the merge key determines (a log line's {@code timestamp}):
   * resolution then reads only the existing files and row groups that can hold a value of the batch
   * in them. See {@link MergeKeys#withKeyDeterminedColumns}.
   */
  public UpsertIntoIceberg withKeyDeterminedColumns(String... columns) {
    return new UpsertIntoIceberg(target.withKeyDeterminedColumns(columns), staging);
  }

  /**
   * Makes every commit into the target on behalf of run {@code runId}: once the target fences that
   * run ({@link Publication#fence}), the publication fails instead of committing.
   */
  public UpsertIntoIceberg onBehalfOf(String runId) {
    return new UpsertIntoIceberg(target.onBehalfOf(runId), staging);
  }

  /**
   * Upserts into {@code table} through {@code staging}.
   *
   * @param table the target
   * @param staging its staging table for this run, made by {@link StagingTable#create}
   */
  public static UpsertIntoIceberg into(
      CatalogSpec catalog, TableIdentifier table, TableIdentifier staging, MergeKeys keys) {
    if (staging.equals(table)) {
      throw new IllegalArgumentException("the staging table of " + table + " cannot be itself");
    }
    return new UpsertIntoIceberg(UpsertTarget.of(catalog, table, keys), staging);
  }

  /**
   * Appends rows to an existing table through {@code Managed.write(Managed.ICEBERG)}, without
   * resolving merge keys; the output names the committed snapshots, as this transform's staging
   * step does.
   */
  public static PTransform<PCollection<Row>, PCollection<Row>> appendOnly(
      CatalogSpec catalog, TableIdentifier table) {
    return AppendToIceberg.into(catalog, table);
  }

  /**
   * Stops Managed's Iceberg write from emitting every row it wrote where no step reads them, which
   * runners pay for (see {@code UnreadWrittenRows}); call after the graph is built, before it runs.
   *
   * @return how many write steps were changed
   */
  public static int dropUnreadWrittenRows(Pipeline pipeline) {
    return UnreadWrittenRows.dropFrom(pipeline);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    return rows.apply("Stage", AppendToIceberg.into(target.catalog(), staging))
        .apply("ResolveMergeKeys", ResolveMergeKeys.of(target, staging));
  }
}

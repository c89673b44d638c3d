package dev.logberg.upsert;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Writes rows into an Iceberg table so that each merge key has exactly one live row afterwards:
 * Managed Iceberg appends them, then {@link ResolveMergeKeys} deletes every row that lost to
 * another with the same key. Rows of earlier runs, duplicates inside the batch and rows of a
 * retried bundle are all resolved, by any Iceberg reader.
 *
 * <p>The output has one row per resolution commit (table, snapshot id, rows deleted); wait on it to
 * order a later step after the data is final.
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

  private UpsertIntoIceberg(UpsertTarget target) {
    this.target = target;
  }

  /**
   * Resolutions whose batch added at most this many rows run inside one worker (the existing files
   * they read are not counted); larger ones are distributed by key. 0 always distributes. Default
   * {@link #DEFAULT_IN_PROCESS_MAX_ROWS}.
   */
  public UpsertIntoIceberg withInProcessMaxRows(long rows) {
    return new UpsertIntoIceberg(target.withInProcessMaxRows(rows));
  }

  /**
   * Declares columns whose value the merge key determines (a log line's {@code timestamp}):
   * resolution then reads only the existing files and row groups that can hold a value of the batch
   * in them. See {@link MergeKeys#withKeyDeterminedColumns}.
   */
  public UpsertIntoIceberg withKeyDeterminedColumns(String... columns) {
    return new UpsertIntoIceberg(target.withKeyDeterminedColumns(columns));
  }

  public static UpsertIntoIceberg into(CatalogSpec catalog, TableIdentifier table, MergeKeys keys) {
    return new UpsertIntoIceberg(UpsertTarget.of(catalog, table, keys));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    return rows.apply("Append", AppendToIceberg.into(target.catalog(), target.table()))
        .apply("ResolveMergeKeys", ResolveMergeKeys.of(target));
  }
}

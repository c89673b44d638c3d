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
 * <p>The output has one row per resolution commit ({@link ResolvePlans#RESULT_SCHEMA}); wait on it
 * to order a later step after the data is final.
 */
public final class UpsertIntoIceberg extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final CatalogSpec catalog;
  private final TableIdentifier table;
  private final MergeKeys keys;
  private final long inProcessMaxRows;

  private UpsertIntoIceberg(
      CatalogSpec catalog, TableIdentifier table, MergeKeys keys, long inProcessMaxRows) {
    this.catalog = catalog;
    this.table = table;
    this.keys = keys;
    this.inProcessMaxRows = inProcessMaxRows;
  }

  /**
   * Resolutions that read at most this many rows run inside one worker; larger ones are distributed
   * by key. 0 always distributes. Default {@link ResolvePlans#DEFAULT_IN_PROCESS_MAX_ROWS}.
   */
  public UpsertIntoIceberg withInProcessMaxRows(long rows) {
    return new UpsertIntoIceberg(catalog, table, keys, rows);
  }

  /**
   * Declares columns whose value the merge key determines (a log line's {@code timestamp}):
   * resolution then reads only the existing files and row groups that can hold a value of the batch
   * in them. See {@link MergeKeys#withKeyDeterminedColumns}.
   */
  public UpsertIntoIceberg withKeyDeterminedColumns(String... columns) {
    return new UpsertIntoIceberg(
        catalog, table, keys.withKeyDeterminedColumns(columns), inProcessMaxRows);
  }

  public static UpsertIntoIceberg into(CatalogSpec catalog, TableIdentifier table, MergeKeys keys) {
    return new UpsertIntoIceberg(catalog, table, keys, ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    return rows.apply("Append", AppendToIceberg.into(catalog, table))
        .apply(
            "ResolveMergeKeys",
            ResolveMergeKeys.of(catalog, table, keys).withInProcessMaxRows(inProcessMaxRows));
  }
}

package dev.logberg.pipeline.tables;

import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.UpsertIntoIceberg;
import java.io.Serializable;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * How every step of a run writes a table: an upsert by its merge keys, with the run's resolution
 * settings.
 */
public record TableWriters(CatalogSpec catalog, long inProcessMaxRows) implements Serializable {

  /** An upsert into {@code table} through its staging table ({@code StagingTable.create}). */
  public UpsertIntoIceberg upsert(TableIdentifier table, TableIdentifier staging, MergeKeys keys) {
    return UpsertIntoIceberg.into(catalog, table, staging, keys)
        .withInProcessMaxRows(inProcessMaxRows);
  }
}

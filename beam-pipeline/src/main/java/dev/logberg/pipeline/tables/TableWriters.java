package dev.logberg.pipeline.tables;

import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.StagingTable;
import dev.logberg.upsert.UpsertIntoIceberg;
import java.io.Serializable;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * How every step of a run writes a table: an upsert by its merge keys, staged in the run's staging
 * table of that table ({@link TableSetup#createStaging}) and published in one commit, on the run's
 * behalf (a fenced run publishes nothing), with the run's resolution settings.
 *
 * @param runId the run whose staging tables are written
 */
public record TableWriters(CatalogSpec catalog, String runId, long inProcessMaxRows)
    implements Serializable {

  public UpsertIntoIceberg upsert(TableIdentifier table, MergeKeys keys) {
    return UpsertIntoIceberg.into(catalog, table, StagingTable.identifier(table, runId), keys)
        .withInProcessMaxRows(inProcessMaxRows)
        .onBehalfOf(runId);
  }
}

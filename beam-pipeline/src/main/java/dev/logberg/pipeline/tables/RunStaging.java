package dev.logberg.pipeline.tables;

import dev.logberg.pipeline.storage.AwsErrors;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.StagingTable;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's staging tables, one per table it upserts through Managed (data and rejects): created
 * before the job, dropped when it ends. Their data files live in the target's data location and
 * become the target's when published; dropping a staging table removes only its metadata. Staging
 * tables of runs that died are dropped by the next run: their unpublished files are then orphans,
 * which upkeep removes.
 */
public final class RunStaging implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunStaging.class);

  private final CatalogSpec catalog;
  private final List<TableIdentifier> staging;

  private RunStaging(CatalogSpec catalog, List<TableIdentifier> staging) {
    this.catalog = catalog;
    this.staging = staging;
  }

  /**
   * Creates the staging tables of run {@code runId}, after dropping those of runs for which {@code
   * isDead} holds.
   */
  public static RunStaging create(
      CatalogSpec catalog, LogbergTables tables, String runId, Predicate<String> isDead) {
    List<TableIdentifier> targets = List.of(tables.dataTable(), tables.rejectsTable());
    List<TableIdentifier> created =
        catalog.apply(
            c -> {
              for (TableIdentifier target : targets) {
                for (Map.Entry<String, TableIdentifier> old :
                    StagingTable.list(c, target).entrySet()) {
                  if (!old.getKey().equals(runId) && isDead.test(old.getKey())) {
                    StagingTable.drop(c, old.getValue());
                    LOG.info(
                        "Dropped {}, left by run {}, which died", old.getValue(), old.getKey());
                  }
                }
              }
              return targets.stream().map(t -> StagingTable.create(c, t, runId)).toList();
            });
    return new RunStaging(catalog, created);
  }

  @Override
  public void close() {
    catalog.apply(
        c -> {
          for (TableIdentifier table : staging) {
            try {
              StagingTable.drop(c, table);
            } catch (RuntimeException e) {
              // The next run drops it once this run's heartbeat is gone.
              LOG.warn(
                  "Dropping staging table {} failed: {}",
                  table,
                  AwsErrors.explain(e).orElse(e.toString()));
            }
          }
          return null;
        });
  }
}

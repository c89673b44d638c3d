package dev.logberg.pipeline.status;

import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.Publication;
import java.util.Collection;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holding its claims is a condition of every commit a run makes, not only of starting its work. A
 * run that takes over lapsed claims first fences their runs out of the four tables ({@link
 * Publication#fence}); every commit a run makes, to any of them, is made on its own behalf ({@link
 * Publication#onBehalfOf}) and fails once it is fenced. So a run frozen past its lease (a long
 * pause, a stopped process) that wakes up after its successor finished commits nothing more: no
 * rows, rejects, files or statuses.
 */
public final class RunFencing {
  private static final Logger LOG = LoggerFactory.getLogger(RunFencing.class);

  private RunFencing() {}

  /** Every table a run commits to. */
  static List<TableIdentifier> tablesOf(LogbergTables tables) {
    return List.of(
        tables.dataTable(), tables.rejectsTable(), tables.filesTable(), tables.metadataTable());
  }

  /** {@code table}, for commits of run {@code jobId}. */
  static Table onBehalfOf(Table table, String jobId) {
    return Publication.onBehalfOf(table, jobId);
  }

  /**
   * Fences the runs whose lapsed claims {@code by} takes over, before it commits its own claim:
   * from then on none of them commits to any of the tables.
   */
  static void fence(Catalog catalog, LogbergTables tables, Collection<String> lapsed, String by) {
    for (String job : lapsed) {
      for (TableIdentifier id : tablesOf(tables)) {
        Table table = catalog.loadTable(id);
        if (Publication.fencedBy(table, job) == null) {
          Publication.fence(table, job, by);
        }
      }
      LOG.info(
          "Fenced run {} out of the tables: its claims lapsed and {} takes them over", job, by);
    }
  }

  /**
   * The run that took over {@code jobId}'s claims and fenced it, or null: what a failed run checks
   * to tell that it lost its claims from any other failure.
   */
  public static @Nullable String lostTo(CatalogSpec catalog, LogbergTables tables, String jobId) {
    try {
      return catalog.apply(c -> Publication.fencedBy(c.loadTable(tables.metadataTable()), jobId));
    } catch (RuntimeException e) {
      LOG.warn("Cannot tell whether run {} was fenced: {}", jobId, e.toString());
      return null;
    }
  }

  /**
   * A new run whose id is that of a fenced one (a rerun with the same {@code --jobName}) starts
   * unfenced. Ids of live runs must be distinct anyway: a run takes claims under its id for its
   * own.
   */
  public static void clear(CatalogSpec catalog, LogbergTables tables, String jobId) {
    catalog.apply(
        c -> {
          for (TableIdentifier id : tablesOf(tables)) {
            Publication.unfence(c.loadTable(id), jobId);
          }
          return null;
        });
  }
}

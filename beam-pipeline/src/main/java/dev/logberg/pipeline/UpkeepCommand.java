package dev.logberg.pipeline;

import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.TableUpkeep;
import java.io.PrintStream;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code upkeep}: compaction, snapshot expiry and orphan removal on the four tables, in this
 * process, with the defaults of docs/UPKEEP.md. One line per table; a table that does not exist yet
 * is said so and skipped.
 */
final class UpkeepCommand extends Command {
  private static final Logger LOG = LoggerFactory.getLogger(UpkeepCommand.class);

  UpkeepCommand() {
    super(
        "upkeep",
        "compact small files and files with deletes, expire snapshots older than 7 days (keeping the",
        "last 10), remove orphan files older than 3 days; one line per table (docs/UPKEEP.md)");
  }

  @Override
  Main.Outcome execute(Invocation invocation) {
    LogbergOptions options = invocation.options();
    return Main.Outcome.of(
        upkeep(
            CatalogSpecs.fromOptions(options),
            new LogbergTables(options.getDatabase(), options.getTable()),
            false,
            invocation.out()));
  }

  /**
   * Upkeep of the four tables, or with {@code onlyIfDue} of those past the thresholds ({@code
   * --upkeepAfterRun}); the exit code, 1 if a table's upkeep failed.
   */
  static int upkeep(CatalogSpec catalog, LogbergTables tables, boolean onlyIfDue, PrintStream out) {
    TableUpkeep upkeep = new TableUpkeep(TableUpkeep.Options.defaults());
    try {
      return catalog.apply(
          c -> {
            for (TableIdentifier id :
                List.of(
                    tables.dataTable(),
                    tables.metadataTable(),
                    tables.rejectsTable(),
                    tables.filesTable())) {
              if (!c.tableExists(id)) {
                out.println(id + ": no such table, nothing to do");
                continue;
              }
              Table table = c.loadTable(id);
              if (onlyIfDue && !upkeep.isDue(table)) {
                out.println(id + ": upkeep not due");
                continue;
              }
              out.println(upkeep.run(table).line());
            }
            return Main.OK;
          });
    } catch (RuntimeException e) {
      LOG.error("Upkeep failed", e);
      out.println(
          "Upkeep of the tables of " + tables.dataTable() + " FAILED: " + Main.rootMessage(e));
      return Main.JOB_FAILED;
    }
  }
}

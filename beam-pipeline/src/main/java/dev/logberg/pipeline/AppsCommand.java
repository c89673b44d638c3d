package dev.logberg.pipeline;

import dev.logberg.pipeline.query.AppsListing;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;

/**
 * {@code apps}: the landed applications, the most recently active first, with status, time range,
 * lines and errors.
 */
final class AppsCommand extends ReadTablesCommand {
  AppsCommand() {
    super(
        "apps",
        "list the landed applications, newest first: status, first and last line, lines, errors");
  }

  @Override
  String show(CatalogSpec catalog, LogbergTables tables) {
    return catalog.apply(
        c ->
            AppsListing.render(
                AppsListing.read(
                    c.loadTable(tables.metadataTable()), c.loadTable(tables.dataTable()))));
  }
}

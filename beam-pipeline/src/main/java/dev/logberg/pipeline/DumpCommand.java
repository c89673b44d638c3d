package dev.logberg.pipeline;

import dev.logberg.pipeline.report.CanonicalTables;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;

/** {@code dump}: the tables' canonical content, to compare deployments line by line. */
final class DumpCommand extends ReadTablesCommand {
  DumpCommand() {
    super(
        "dump",
        "print the tables' rows as sorted lines without run-dependent columns, to diff deployments");
  }

  @Override
  String show(CatalogSpec catalog, LogbergTables tables) {
    return String.join("\n", CanonicalTables.dump(catalog, tables));
  }
}

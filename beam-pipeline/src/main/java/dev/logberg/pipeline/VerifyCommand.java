package dev.logberg.pipeline;

import dev.logberg.pipeline.report.TableSummary;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;

/** {@code verify}: the summary of the existing tables, as a run prints it after landing. */
final class VerifyCommand extends ReadTablesCommand {
  VerifyCommand() {
    super("verify", "print the summary of the existing tables");
  }

  @Override
  String show(CatalogSpec catalog, LogbergTables tables) {
    return TableSummary.read(catalog, tables).report(tables);
  }
}

package dev.logberg.pipeline;

import dev.logberg.pipeline.report.TableSummary;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.util.List;

/** {@code verify}: the summary of the existing tables, as a run prints it after landing. */
final class VerifyCommand extends ReadTablesCommand {
  @Override
  public String name() {
    return "verify";
  }

  @Override
  public List<String> help() {
    return List.of("print the summary of the existing tables");
  }

  @Override
  String show(CatalogSpec catalog, LogbergTables tables) {
    return TableSummary.read(catalog, tables).report(tables);
  }
}

package dev.logberg.pipeline;

import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;

/**
 * A command that reads the existing tables and prints what {@link #show} makes of them ({@code
 * verify}, {@code dump}); a table it cannot read is a failed job (exit code 1), said in one line.
 */
abstract class ReadTablesCommand extends Command {
  ReadTablesCommand(String name, String... help) {
    super(name, help);
  }

  /** The text to print of the tables; it reads them through {@code catalog}. */
  abstract String show(CatalogSpec catalog, LogbergTables tables);

  @Override
  final Main.Outcome execute(Invocation invocation) {
    CatalogSpec catalog = CatalogSpecs.fromOptions(invocation.options());
    LogbergTables tables = RunConfig.tablesOf(invocation.options());
    try {
      invocation.out().println(show(catalog, tables));
      return Main.Outcome.of(Main.OK);
    } catch (RuntimeException e) {
      invocation
          .out()
          .println("Cannot read the tables of " + tables.dataTable() + ": " + Main.rootMessage(e));
      return Main.Outcome.of(Main.JOB_FAILED);
    }
  }
}

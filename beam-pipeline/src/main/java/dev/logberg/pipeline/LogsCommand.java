package dev.logberg.pipeline;

import dev.logberg.pipeline.query.LogFilter;
import dev.logberg.pipeline.query.LogFormat;
import dev.logberg.pipeline.query.LogLines;
import dev.logberg.pipeline.query.LogsOptions;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/**
 * {@code logs <application id>}: the {@code kubectl logs} of finished Spark applications. Prints
 * one application's lines in time order, read through Iceberg with the filters pushed down, as they
 * are read (a day at a time, see {@link LogLines}).
 */
final class LogsCommand extends Command {
  LogsCommand() {
    super(
        "logs",
        "print one application's lines in time order, like kubectl logs: logs <application id>",
        "[--pod=P] [--level=WARN] [--since=2h] [--until=T] [--grep=TEXT] [--format=text|json]");
  }

  @Override
  Class<? extends LogbergOptions> options() {
    return LogsOptions.class;
  }

  @Override
  List<String> arguments() {
    return List.of("<application id>");
  }

  @Override
  Main.Outcome execute(Invocation invocation) {
    LogsOptions options = invocation.options().as(LogsOptions.class);
    PrintStream out = invocation.out();
    LogFilter filter;
    LogFormat format;
    try {
      filter = LogFilter.of(invocation.words().get(0), options, Instant.now());
      format = LogFormat.parse(options.getFormat());
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return Main.Outcome.of(Main.BAD_OPTIONS);
    }
    LogbergTables tables = RunConfig.tablesOf(options);
    try {
      long lines =
          CatalogSpecs.fromOptions(options)
              .apply(
                  catalog ->
                      LogLines.read(
                          catalog.loadTable(tables.dataTable()),
                          filter,
                          row -> out.println(format.render(row))));
      if (lines == 0) {
        // Not on the output, which a pipe may be parsing.
        System.err.printf(
            "No line of application %s in %s matches (`apps` lists the applications landed).%n",
            filter.application(), tables.dataTable());
      }
      return Main.Outcome.of(Main.OK);
    } catch (RuntimeException e) {
      out.println("Cannot read " + tables.dataTable() + ": " + Main.rootMessage(e));
      return Main.Outcome.of(Main.JOB_FAILED);
    }
  }
}

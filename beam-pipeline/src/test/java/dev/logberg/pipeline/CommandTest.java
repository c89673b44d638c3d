package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands one by one, called directly rather than through {@link Main}. */
class CommandTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private Command.Invocation invocation(String... args) {
    LogbergOptions options = PipelineOptionsFactory.fromArgs(args).as(LogbergOptions.class);
    return new Command.Invocation(options, List.of(args), List.of(), out, Map::of);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void commandsAreFoundByNameAndOnlyRunAndWatchNeedWhatAJobNeeds() {
    assertThat(Main.command("run"), instanceOf(RunCommand.class));
    assertThat(Main.command("verify"), instanceOf(VerifyCommand.class));
    assertThat(Main.command("dump"), instanceOf(DumpCommand.class));
    assertThat(Main.command("upkeep"), instanceOf(UpkeepCommand.class));
    assertThat(Main.command("vrify"), nullValue());
    assertThat(
        Main.commands().stream().filter(Command::runsJob).toList(),
        is(List.of(Main.commands().get(0), Main.command("watch"))));
  }

  @Test
  void helpListsEachCommandWithItsLinesAligned() {
    HelpCommand.print(out, Main.commands());
    List<String> lines = output().lines().toList();
    assertThat(
        lines.get(2),
        is("Usage: logberg [run|watch|verify|dump|upkeep|logs|apps] [--option=value ...]"));
    assertThat(
        lines.subList(3, 10),
        is(
            List.of(
                "  run      discover application folders, land new or changed ones, print a summary"
                    + " (default)",
                "  watch    keep landing new files as they arrive, a run every --commitEverySeconds,"
                    + " until SIGTERM",
                "           or Ctrl-C, which let the run in progress end; upkeep every"
                    + " --upkeepEveryMinutes",
                "  verify   print the summary of the existing tables",
                "  dump     print the tables' rows as sorted lines without run-dependent columns, to"
                    + " diff deployments",
                "  upkeep   compact small files and files with deletes, expire snapshots older than 7"
                    + " days (keeping the",
                "           last 10), remove orphan files older than 3 days; one line per table"
                    + " (docs/UPKEEP.md)")));
  }

  @Test
  void anUnknownCommandIsAnsweredWithTheKnownOnes() {
    assertThat(
        HelpCommand.unknown("vrify", Main.commands()),
        is(
            "Unknown command 'vrify': use run (the default), watch, verify, dump, upkeep, logs,"
                + " apps or help."));
  }

  @Test
  void wrapBreaksBetweenWordsWithinTheWidth() {
    assertThat(
        HelpCommand.wrap("aa bb cc dd eeeeeeeeee f", 5),
        is(List.of("aa bb", "cc dd", "eeeeeeeeee", "f")));
    assertThat(HelpCommand.wrap("one", 92), is(List.of("one")));
  }

  @Test
  void aRunIsNamedByJobNameElseByItsStartTime() {
    assertThat(RunCommand.jobId(invocation("--jobName=nightly")), is("nightly"));
    assertThat(
        RunCommand.jobId(invocation("--input=x")),
        matchesPattern("logberg-\\d{8}-\\d{6}-[0-9a-f]{5}"));
  }

  @Test
  void upkeepOfAnEmptyWarehouseSaysEachTableIsMissing(@TempDir Path dir) {
    Main.Outcome outcome =
        new UpkeepCommand().execute(invocation("--warehouse=" + dir, "--table=logs"));
    assertThat(outcome.exitCode(), is(Main.OK));
    assertThat(
        output().lines().filter(l -> l.endsWith(": no such table, nothing to do")).count(), is(4L));
  }

  @Test
  void verifyOfAnEmptyWarehouseFailsNamingTheTables(@TempDir Path dir) {
    Main.Outcome outcome =
        new VerifyCommand().execute(invocation("--warehouse=" + dir, "--table=logs"));
    assertThat(output(), outcome.exitCode(), is(Main.JOB_FAILED));
    assertThat(output(), containsString("Cannot read the tables of "));
  }

  @Test
  void logsNeedsItsApplicationAndChecksItsOwnOptions() {
    assertThat(Main.run(new String[] {"logs"}, out), is(Main.BAD_OPTIONS));
    assertThat(
        output(), containsString("Usage: logberg logs <application id> [--option=value ...]"));
    assertThat(
        Main.run(new String[] {"logs", "spark-1", "--level=LOUD", "--since=yesterday"}, out),
        is(Main.BAD_OPTIONS));
    assertThat(output(), containsString("--level: unknown level 'LOUD'"));
    assertThat(output(), containsString("--since: 'yesterday' is not an instant"));
    assertThat(
        Main.run(new String[] {"logs", "spark-1", "--since=2025-01-16", "--until=2025-01-15"}, out),
        is(Main.BAD_OPTIONS));
    assertThat(output(), containsString("must be before --until"));
  }

  @Test
  void watchHasItsCadenceInTheHelpAndChecksIt(@TempDir Path input) {
    HelpCommand.print(out, Main.commands());
    assertThat(output(), containsString("Options of watch only:"));
    assertThat(output(), containsString("  --commitEverySeconds"));
    assertThat(output(), containsString("  --upkeepEveryMinutes"));
    assertThat(
        Main.run(
            new String[] {
              "watch", "--input=" + input, "--commitEverySeconds=0", "--upkeepEveryMinutes=-1"
            },
            out),
        is(Main.BAD_OPTIONS));
    assertThat(output(), containsString("--commitEverySeconds: '0' is not 1 to 99999 seconds"));
    assertThat(output(), containsString("--upkeepEveryMinutes: '-1' is not 0 to 99999 minutes"));
  }

  @Test
  void watchRefusesTheLocalLakeWhichLandsACopyMadeAtTheStart(@TempDir Path input) {
    assertThat(
        Main.run(new String[] {"watch", "--input=" + input, "--localLake"}, out),
        is(Main.BAD_OPTIONS));
    assertThat(output(), containsString("drop --localLake"));
  }

  @Test
  void theLogsOptionsAreInTheHelp() {
    HelpCommand.print(out, Main.commands());
    assertThat(output(), containsString("Options of logs only:"));
    assertThat(output(), containsString("  --grep"));
    assertThat(output(), containsString("Example: --since=2h"));
  }

  @Test
  void logsOfAMissingTableFailWithTheTableNamed(@TempDir Path dir) {
    assertThat(
        Main.run(new String[] {"logs", "spark-1", "--warehouse=" + dir.resolve("warehouse")}, out),
        is(Main.JOB_FAILED));
    assertThat(output(), containsString("Cannot read logs.spark_logs"));
  }

  @Test
  void verboseIsReadFromTheRawArguments() {
    assertThat(ConsoleLog.verbose(List.of("run", "--verbose")), is(true));
    assertThat(ConsoleLog.verbose(List.of("--verbose=true")), is(true));
    assertThat(ConsoleLog.verbose(List.of("--verbose=false", "--input=x")), is(false));
  }
}

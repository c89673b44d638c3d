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
  void commandsAreFoundByNameAndOnlyRunNeedsWhatAJobNeeds() {
    assertThat(Main.command("run"), instanceOf(RunCommand.class));
    assertThat(Main.command("verify"), instanceOf(VerifyCommand.class));
    assertThat(Main.command("dump"), instanceOf(DumpCommand.class));
    assertThat(Main.command("upkeep"), instanceOf(UpkeepCommand.class));
    assertThat(Main.command("vrify"), nullValue());
    assertThat(
        Main.commands().stream().filter(Command::runsJob).toList(),
        is(List.of(Main.commands().get(0))));
  }

  @Test
  void helpListsEachCommandWithItsLinesAligned() {
    HelpCommand.print(out, Main.commands());
    List<String> lines = output().lines().toList();
    assertThat(lines.get(2), is("Usage: logberg [run|verify|dump|upkeep] [--option=value ...]"));
    assertThat(
        lines.subList(3, 8),
        is(
            List.of(
                "  run      discover application folders, land new or changed ones, print a summary"
                    + " (default)",
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
        is("Unknown command 'vrify': use run (the default), verify, dump, upkeep or help."));
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
}

package dev.logberg.pipeline;

import dev.logberg.pipeline.storage.AwsErrors;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The command line: {@code run} (the default) lands the logs and prints a summary; {@code verify}
 * prints the summary of existing tables; {@code dump} prints their canonical content (to compare
 * deployments); {@code upkeep} compacts, expires snapshots and removes orphan files
 * (docs/UPKEEP.md); {@code --help} lists the options. Each command is a {@link Command} of its own;
 * Main parses and validates the options and hands them to it.
 *
 * <p>Exit codes: 0 done, 1 the job failed, 2 bad options, 3 done but some applications were
 * recorded FAILED, 4 nothing landed because other live runs hold the claims on the applications
 * that have work (a scheduler may retry later; "nothing new" is 0), 5 the run lost its claims (its
 * heartbeat lapsed and another run took them over) and committed nothing more.
 */
public final class Main {
  public static final int OK = 0;
  public static final int JOB_FAILED = 1;
  public static final int BAD_OPTIONS = 2;
  public static final int APPS_FAILED = 3;
  public static final int BLOCKED = 4;
  public static final int FENCED = 5;

  /**
   * The commands, the default ({@code run}) first, in the order {@code --help} lists them. Made on
   * first use, not when Main loads: the commands' loggers must not start the logging before {@link
   * #main} has chosen where it goes ({@link ConsoleLog}).
   */
  static List<Command> commands() {
    return Commands.ALL;
  }

  private static final class Commands {
    static final List<Command> ALL =
        List.of(
            new RunCommand(),
            new WatchCommand(),
            new VerifyCommand(),
            new DumpCommand(),
            new UpkeepCommand(),
            new LogsCommand(),
            new AppsCommand());
  }

  private Main() {}

  public static void main(String[] args) {
    Path log =
        ConsoleLog.divert(
            Arrays.asList(args), Path.of(System.getProperty("java.io.tmpdir"), "logberg"));
    int exitCode = run(args, System.out);
    ConsoleLog.tell(log, System.err);
    System.exit(exitCode);
  }

  /**
   * The arguments with a runner's defaults added (each {@code --name=value}) where the user did not
   * set that option: how a runner's jar sets what its runner needs without the pipeline knowing
   * which runner it is on.
   */
  public static String[] withDefaults(String[] args, String... defaults) {
    List<String> result = new ArrayList<>(Arrays.asList(args));
    for (String option : defaults) {
      String name = option.substring(0, option.indexOf('='));
      if (result.stream().noneMatch(a -> a.equals(name) || a.startsWith(name + "="))) {
        result.add(option);
      }
    }
    return result.toArray(String[]::new);
  }

  /**
   * How a command ended: its exit code and, when the job or its preparation failed, the exception
   * (for a runner's entry point that must tell a failure before the job from a failure of the job;
   * see {@code LogbergFlink}).
   */
  public record Outcome(int exitCode, @Nullable RuntimeException failure) {
    static Outcome of(int exitCode) {
      return new Outcome(exitCode, null);
    }
  }

  public static int run(String[] args, PrintStream out) {
    return execute(args, out).exitCode();
  }

  public static Outcome execute(String[] args, PrintStream out) {
    return execute(args, out, Map::of);
  }

  /**
   * Like {@link #execute(String[], PrintStream)}, with a source of the workers' counters for the
   * live progress where the steps run in other JVMs (a Flink cluster's task managers): progress
   * shows, counter by counter, the larger of this JVM's totals and theirs.
   */
  public static Outcome execute(
      String[] args, PrintStream out, Supplier<Map<String, Long>> workerCounters) {
    PipelineOptionsFactory.register(LogbergOptions.class);
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String name =
        !rest.isEmpty() && !rest.get(0).startsWith("--")
            ? rest.remove(0)
            : commands().get(0).name();
    if (rest.contains("--help") || name.equals(HelpCommand.NAME)) {
      HelpCommand.print(out, commands());
      return Outcome.of(OK);
    }
    @Nullable Command command = command(name);
    // Beam takes only --name[=value] arguments: any other word is the command's (wherever it is).
    List<String> words = rest.stream().filter(a -> !a.startsWith("--")).toList();
    rest.removeAll(words);
    Class<? extends LogbergOptions> declared =
        command == null ? LogbergOptions.class : command.options();
    LogbergOptions options;
    try {
      PipelineOptionsFactory.register(declared);
      options =
          PipelineOptionsFactory.fromArgs(rest.toArray(String[]::new))
              .withValidation()
              .as(declared);
      OptionsValidator.validate(options, command != null && command.runsJob());
      OptionsValidator.validateDeclared(declared, options);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println("Run with --help to see every option.");
      return Outcome.of(BAD_OPTIONS);
    }
    if (command == null) {
      out.println(HelpCommand.unknown(name, commands()));
      return Outcome.of(BAD_OPTIONS);
    }
    if (words.size() != command.arguments().size()) {
      out.println(HelpCommand.usage(command));
      return Outcome.of(BAD_OPTIONS);
    }
    return command.execute(
        new Command.Invocation(
            options, List.copyOf(rest), List.copyOf(words), out, workerCounters));
  }

  /** The command called {@code name}, or null if there is none. */
  static @Nullable Command command(String name) {
    return commands().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** The message of {@code e} and of its root cause: what a user needs to see first. */
  public static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message =
        cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + cause + ")";
    // An AWS refusal also says what to grant, on a line of its own.
    return message + AwsErrors.explain(e).map(aws -> System.lineSeparator() + aws).orElse("");
  }
}

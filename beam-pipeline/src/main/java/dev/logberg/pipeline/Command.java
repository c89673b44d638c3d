package dev.logberg.pipeline;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One command of the command line, {@code logberg <name> --option=value ...}: {@link Main} parses
 * and validates the options, then hands them to the command that {@link #name()} selects. A new
 * command is a class implementing this, listed in {@link Main#commands()}.
 */
interface Command {
  /** The word on the command line that selects this command. */
  String name();

  /** What {@code --help} says of the command, in lines (the first beside its name). */
  List<String> help();

  /**
   * Whether the command runs a job, so the options must name what a job needs (its input, ...): see
   * {@link OptionsValidator#validate}.
   */
  default boolean runsJob() {
    return false;
  }

  /**
   * The options interface the command's options are parsed as: {@link LogbergOptions}, or one that
   * extends it with options of this command only.
   */
  default Class<? extends LogbergOptions> options() {
    return LogbergOptions.class;
  }

  /** The names of the words the command takes after its name ({@code <application id>}). */
  default List<String> arguments() {
    return List.of();
  }

  Main.Outcome execute(Invocation invocation);

  /**
   * What a command is given: the parsed options, the arguments they were parsed from (without the
   * command's name and words), the words after the name ({@link #arguments()}), where to print, and
   * the workers' counters for a job's live progress (see {@link Main#execute(String[], PrintStream,
   * Supplier)}).
   */
  record Invocation(
      LogbergOptions options,
      List<String> args,
      List<String> words,
      PrintStream out,
      Supplier<Map<String, Long>> workerCounters) {}
}

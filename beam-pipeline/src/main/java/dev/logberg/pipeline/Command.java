package dev.logberg.pipeline;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One command of the command line, {@code logberg <name> --option=value ...}: {@link Main} parses
 * and validates the options, then hands them to the command that {@link #name()} selects. A new
 * command is a subclass, listed in {@link Main#commands()}.
 */
abstract class Command {
  private final String name;
  private final List<String> help;

  /**
   * @param name the word on the command line that selects this command
   * @param help what {@code --help} says of it, in lines (the first beside its name)
   */
  Command(String name, String... help) {
    this.name = name;
    this.help = List.of(help);
  }

  final String name() {
    return name;
  }

  final List<String> help() {
    return help;
  }

  /**
   * Whether the command runs a job, so the options must name what a job needs (its input, ...): see
   * {@link OptionsValidator#validate}.
   */
  boolean runsJob() {
    return false;
  }

  /**
   * The options interface the command's options are parsed as: {@link LogbergOptions}, or one that
   * extends it with options of this command only.
   */
  Class<? extends LogbergOptions> options() {
    return LogbergOptions.class;
  }

  /** The names of the words the command takes after its name ({@code <application id>}). */
  List<String> arguments() {
    return List.of();
  }

  abstract Main.Outcome execute(Invocation invocation);

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

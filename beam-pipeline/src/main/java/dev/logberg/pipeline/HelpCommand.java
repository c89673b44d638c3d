package dev.logberg.pipeline;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code help} (or {@code --help} anywhere): the commands and every option with its description,
 * default and example. Unlike the {@link Command}s it reads no options, so {@link Main} runs it
 * before parsing them: help is shown even when other arguments are wrong.
 */
final class HelpCommand {
  static final String NAME = "help";

  /** The width of an option's description; with its indent the lines stay under 100 characters. */
  private static final int TEXT_WIDTH = 92;

  private HelpCommand() {}

  static void print(PrintStream out, List<Command> commands) {
    out.println(
        "Logberg: lands Spark application logs in Apache Iceberg with one Apache Beam pipeline.");
    out.println();
    out.println(
        "Usage: logberg ["
            + commands.stream().map(Command::name).collect(Collectors.joining("|"))
            + "] [--option=value ...]");
    for (Command command : commands) {
      List<String> help = command.help();
      for (int i = 0; i < help.size(); i++) {
        out.printf("  %-9s%s%n", i == 0 ? command.name() : "", help.get(i));
      }
    }
    out.println();
    out.println("Options (--name=value; a list takes values separated by ','):");
    printOptions(out, LogbergOptions.class);
    for (Command command : commands) {
      if (command.options() != LogbergOptions.class) {
        out.println();
        out.println("Options of " + command.name() + " only:");
        printOptions(out, command.options());
      }
    }
    out.println();
    out.println("Any Beam option (e.g. --runner, --jobName) is accepted too.");
  }

  /** Every option {@code options} declares, with its description, default and example. */
  private static void printOptions(PrintStream out, Class<?> options) {
    for (OptionDeclarations.Option option : OptionDeclarations.of(options)) {
      out.println();
      out.println("  --" + option.name());
      for (String line : wrap(option.help(), TEXT_WIDTH)) {
        out.println("      " + line);
      }
      if (option.shownDefault() != null) {
        out.println("      Default: " + option.shownDefault());
      }
      if (!option.example().isEmpty()) {
        out.println("      Example: --" + option.name() + "=" + option.example());
      }
      if (option.required()) {
        out.println("      Required in a launched job (deploy/templates), which has no default.");
      }
    }
  }

  /** How to call {@code command}: its name, the words it takes, then options. */
  static String usage(Command command) {
    return "Usage: logberg "
        + command.name()
        + command.arguments().stream().map(a -> " " + a).collect(Collectors.joining())
        + " [--option=value ...]";
  }

  /** What to say of a command name that is none of {@code commands}, the first the default. */
  static String unknown(String name, List<Command> commands) {
    List<String> names = commands.stream().map(Command::name).collect(Collectors.toList());
    names.set(0, names.get(0) + " (the default)");
    return "Unknown command '" + name + "': use " + String.join(", ", names) + " or " + NAME + ".";
  }

  /** {@code text} in lines of at most {@code width} characters, broken between words. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}

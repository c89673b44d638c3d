package dev.logberg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A harness's current figures as the table that opens its section of BENCHMARKS.md: when, on what
 * machine and data, by which command, the medians and the ratios. Each harness writes it as {@code
 * current.md} beside its report; BENCHMARKS.md carries the latest one per harness, and {@code
 * BenchmarksDocTest} checks that each is there, in this shape, with a command the harness's script
 * accepts.
 *
 * <p>Also a command line, for the shell harness ({@code bench/run-scale.sh}): {@code CurrentFigures
 * --script=S --measured=M --machine=M --data=D --command=C --medians=M --ratios=R} prints the
 * table.
 */
public record CurrentFigures(
    String script,
    String measured,
    String machine,
    String data,
    String command,
    String medians,
    String ratios) {

  /** The rows of the table, in order. */
  public static final List<String> ROWS =
      List.of("measured", "machine", "data", "command", "medians", "ratios");

  /** The markers around a harness's table: the first names its script. */
  static final String BEGIN = "<!-- current figures of ";

  static final String END = "<!-- end of current figures -->";

  public CurrentFigures {
    List.of(script, measured, machine, data, command, medians, ratios)
        .forEach(Objects::requireNonNull);
  }

  /** The table between its markers, each value on one line (a '|' in a value is escaped). */
  public String markdown() {
    List<String> values = List.of(measured, machine, data, "`" + command + "`", medians, ratios);
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append(script).append(" -->\n");
    md.append("| | |\n|---|---|\n");
    for (int i = 0; i < ROWS.size(); i++) {
      md.append("| ")
          .append(ROWS.get(i))
          .append(" | ")
          .append(values.get(i).replace("\n", " ").replace("|", "\\|"))
          .append(" |\n");
    }
    return md.append(END).append('\n').toString();
  }

  /** Writes {@link #markdown()} as {@code current.md} in {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("current.md"), markdown());
  }

  /**
   * The tables of {@code markdown} by script, each as its rows (label to value, the command without
   * its backticks), in the order they appear.
   *
   * @throws IllegalArgumentException if a table is not closed or a row is not {@code | label |
   *     value |}
   */
  static Map<String, Map<String, String>> parse(String markdown) {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith(BEGIN)) {
        continue;
      }
      String script = line.substring(BEGIN.length(), line.lastIndexOf(" -->"));
      Map<String, String> rows = new LinkedHashMap<>();
      int j = i + 3; // the marker, the empty header, the separator
      for (; j < lines.size() && !lines.get(j).equals(END); j++) {
        String row = lines.get(j);
        List<String> cells = cells(row);
        if (cells.size() != 2) {
          throw new IllegalArgumentException("not a | label | value | row: " + row);
        }
        String value = cells.get(1);
        rows.put(
            cells.get(0), cells.get(0).equals("command") ? value.replaceAll("^`|`$", "") : value);
      }
      if (j == lines.size()) {
        throw new IllegalArgumentException("the current figures of " + script + " are not closed");
      }
      tables.put(script, rows);
    }
    return tables;
  }

  /** The cells of a table row, split at '|' that are not escaped. */
  private static List<String> cells(String row) {
    String inner = row.strip();
    if (!inner.startsWith("|") || !inner.endsWith("|")) {
      return List.of();
    }
    inner = inner.substring(1, inner.length() - 1);
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
      cells.add(cell.strip().replace("\\|", "|"));
    }
    return cells;
  }

  private static String required(Map<String, String> values, String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name + "=...");
    }
    return value;
  }

  public static void main(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      values.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    System.out.print(
        new CurrentFigures(
                required(values, "script"),
                required(values, "measured"),
                required(values, "machine"),
                required(values, "data"),
                required(values, "command"),
                required(values, "medians"),
                required(values, "ratios"))
            .markdown());
  }
}

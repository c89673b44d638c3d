package dev.logberg.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * README's options table, generated from the declarations in {@link LogbergOptions}: it replaces
 * what lies between {@link #BEGIN} and {@link #END}. {@code ReadmeOptionsTest} fails when the
 * checked-in README differs; regenerate with {@link #REGENERATE}.
 */
public final class OptionsTable {
  static final String BEGIN =
      "<!-- options:begin (generated from LogbergOptions.java by OptionsTable; do not edit) -->";
  static final String END = "<!-- options:end -->";
  public static final String REGENERATE =
      "mvn -q -pl beam-pipeline -am compile exec:java"
          + " -Dexec.mainClass=dev.logberg.pipeline.OptionsTable -Dexec.args=README.md";

  private OptionsTable() {}

  /** The table in Markdown, one row per option, by name. */
  public static String markdown() {
    StringBuilder table = new StringBuilder();
    table.append("| option | default | example | meaning |\n");
    table.append("|---|---|---|---|\n");
    for (OptionDeclarations.Option option : OptionDeclarations.of(LogbergOptions.class)) {
      String meaning = option.help();
      if (option.required()) {
        meaning += " Required in a launched job (template), which has no default.";
      }
      if (!option.launchable()) {
        meaning += " Command line only: not a template parameter.";
      }
      table
          .append("| `--")
          .append(option.name())
          .append("` | ")
          .append(code(option.shownDefault()))
          .append(" | ")
          .append(code(option.example().isEmpty() ? null : option.example()))
          .append(" | ")
          .append(cell(meaning).replace("<", "&lt;"))
          .append(" |\n");
    }
    return table.toString();
  }

  /** {@code readme} with its generated section replaced by the current table. */
  public static String replaceIn(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("README has no section between " + BEGIN + " and " + END);
    }
    return readme.substring(0, begin) + BEGIN + "\n" + markdown() + readme.substring(end);
  }

  private static String code(@Nullable String value) {
    return value == null || value.isEmpty() ? "" : "`" + cell(value) + "`";
  }

  /** Text in a cell: '|' would end it. Outside code spans, '<' is escaped too (not HTML). */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** Rewrites the README at {@code args[0]} (default README.md). */
  public static void main(String[] args) throws IOException {
    Path readme = Path.of(args.length > 0 ? args[0] : "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Files.writeString(readme, replaceIn(text), StandardCharsets.UTF_8);
    System.out.println("Wrote the options table of " + readme.toAbsolutePath());
  }
}

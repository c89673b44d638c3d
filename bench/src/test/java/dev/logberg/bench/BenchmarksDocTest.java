package dev.logberg.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * BENCHMARKS.md reads current first: before anything else, one table per harness in the shape the
 * harness writes ({@link CurrentFigures}), dated, with a command that runs the harness's script
 * with options the script accepts.
 */
class BenchmarksDocTest {
  private static final Path ROOT = Path.of("..");
  private static final List<String> SCRIPTS =
      List.of(
          "bench/run-all.sh",
          "bench/run-upsert.sh",
          "bench/run-scale.sh",
          "bench/run-layout.sh",
          "bench/run-freshness.sh");
  private static final Pattern DATE = Pattern.compile("\\b20\\d\\d-\\d\\d-\\d\\d\\b");

  /** A {@code --name)} branch of a script's option loop. */
  private static final Pattern CASE_OPTION =
      Pattern.compile("^\\s*(--[\\w-]+)\\)", Pattern.MULTILINE);

  @Test
  void benchmarksOpenWithTheCurrentFiguresOfEachHarness() {
    assertThat(problems(read("BENCHMARKS.md")), is(empty()));
  }

  @Test
  void whatAHarnessWritesIsWhatTheCheckReads() {
    CurrentFigures figures =
        new CurrentFigures(
            "bench/run-scale.sh",
            "2026-12-07T12:00:00Z",
            "2 cores | 24 GiB",
            "trees",
            "bench/run-scale.sh --unit 16MB --reps 1",
            "m",
            "r");
    Map<String, String> rows = CurrentFigures.parse(figures.markdown()).get("bench/run-scale.sh");
    assertThat(List.copyOf(rows.keySet()), is(CurrentFigures.ROWS));
    assertThat(rows.get("machine"), is("2 cores | 24 GiB"));
    assertThat(rows.get("command"), is("bench/run-scale.sh --unit 16MB --reps 1"));
  }

  @Test
  void theCheckCatchesWhatItShould() {
    String good =
        "# B\n\n## Current\n\n"
            + figures("bench/run-all.sh", "bench/run-all.sh --size 1GB --reps 3")
            + figures("bench/run-upsert.sh", "bench/run-upsert.sh --sizes=1000000")
            + figures("bench/run-scale.sh", "SKIP_BUILD=1 bench/run-scale.sh")
            + figures("bench/run-layout.sh", "bench/run-layout.sh --size 1GB")
            + figures("bench/run-freshness.sh", "bench/run-freshness.sh --minutes 60")
            + "\n## Method\n";
    assertThat(problems(good), is(empty()));
    // What is broken in the good document -> the problem the check must name.
    Map<List<String>, String> broken = new LinkedHashMap<>();
    broken.put(
        List.of("--size 1GB", "--sise 1GB"),
        "bench/run-all.sh: option --sise is not one bench/run-all.sh accepts");
    broken.put(
        List.of("--sizes=1000000", "--size=1000000"),
        "bench/run-upsert.sh: option --size is not one bench/run-upsert.sh accepts");
    broken.put(
        List.of("SKIP_BUILD=1 bench/run-scale.sh", "bench/run-all.sh"),
        "bench/run-scale.sh: the command runs bench/run-all.sh, not bench/run-scale.sh");
    broken.put(
        List.of("| ratios | r |\n", ""),
        "bench/run-all.sh: rows [measured, machine, data, command, medians], expected "
            + CurrentFigures.ROWS);
    broken.put(
        List.of("2026-11-30 12:35 UTC", "last week"),
        "bench/run-all.sh: measured 'last week' has no date");
    broken.put(
        List.of("## Current\n", "## Current\n\n## History\n"),
        "bench/run-all.sh: its current figures come after other sections");
    broken.forEach(
        (change, problem) ->
            assertThat(problems(good.replace(change.get(0), change.get(1))), hasItem(problem)));
    assertThat(
        problems("# B\n\n## Current\n" + figures("bench/run-all.sh", "bench/run-all.sh")),
        hasItem("no current figures of bench/run-upsert.sh"));
  }

  private static String figures(String script, String command) {
    return new CurrentFigures(script, "2026-11-30 12:35 UTC", "2 vCPU", "1 GB", command, "m", "r")
        .markdown();
  }

  /** What is wrong with the current figures of {@code doc}; empty if nothing. */
  static List<String> problems(String doc) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, String>> tables = CurrentFigures.parse(doc);
    List<String> lines = doc.lines().toList();
    int secondSection = -1;
    int sections = 0;
    for (int i = 0; i < lines.size() && secondSection < 0; i++) {
      if (lines.get(i).startsWith("## ") && ++sections == 2) {
        secondSection = i;
      }
    }
    for (String script : SCRIPTS) {
      Map<String, String> rows = tables.get(script);
      if (rows == null) {
        problems.add("no current figures of " + script);
        continue;
      }
      if (!List.copyOf(rows.keySet()).equals(CurrentFigures.ROWS)) {
        problems.add(script + ": rows " + rows.keySet() + ", expected " + CurrentFigures.ROWS);
        continue;
      }
      int at = lines.indexOf(CurrentFigures.BEGIN + script + " -->");
      if (secondSection >= 0 && at > secondSection) {
        problems.add(script + ": its current figures come after other sections");
      }
      if (!DATE.matcher(rows.get("measured")).find()) {
        problems.add(script + ": measured '" + rows.get("measured") + "' has no date");
      }
      rows.forEach(
          (label, value) -> {
            if (value.isBlank()) {
              problems.add(script + ": " + label + " is empty");
            }
          });
      problems.addAll(commandProblems(script, rows.get("command")));
    }
    tables.keySet().stream()
        .filter(s -> !SCRIPTS.contains(s))
        .forEach(s -> problems.add("current figures of an unknown harness " + s));
    return problems;
  }

  /** The command runs {@code script} (after any {@code NAME=value} settings) with its options. */
  private static List<String> commandProblems(String script, String command) {
    List<String> problems = new ArrayList<>();
    List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
    while (!words.isEmpty() && words.get(0).matches("[A-Z_]+=\\S*")) {
      words.remove(0);
    }
    if (words.isEmpty() || !words.get(0).equals(script)) {
      problems.add(
          script
              + ": the command runs "
              + (words.isEmpty() ? "nothing" : words.get(0))
              + ", not "
              + script);
      return problems;
    }
    Set<String> accepted = acceptedOptions(script);
    for (String word : words.subList(1, words.size())) {
      if (word.startsWith("--")) {
        String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        if (!accepted.contains(option)) {
          problems.add(script + ": option " + option + " is not one " + script + " accepts");
        }
      }
    }
    return problems;
  }

  /**
   * The options of a script's option loop; bench/run-upsert.sh hands its arguments to {@link
   * UpsertBenchmark}, whose own options count (a Beam option would reach the pipeline, never the
   * harness).
   */
  static Set<String> acceptedOptions(String script) {
    Set<String> options = new LinkedHashSet<>();
    if (script.equals("bench/run-upsert.sh")) {
      UpsertBenchmark.defaultOptions().keySet().forEach(o -> options.add("--" + o));
      return options;
    }
    Matcher m = CASE_OPTION.matcher(read(script));
    while (m.find()) {
      options.add(m.group(1));
    }
    return options;
  }

  private static String read(String file) {
    try {
      return Files.readString(ROOT.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

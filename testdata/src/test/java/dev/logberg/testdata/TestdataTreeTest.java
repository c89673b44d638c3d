package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The checked-in tree has every edge case its brief asks for (the pipeline tests rely on them). */
class TestdataTreeTest {
  private static final Path ROOT = Trees.CHECKED_IN_TREE;

  @Test
  void layoutAndSizes() throws Exception {
    List<Path> files = appFiles();
    for (Path f : files) {
      String pod = f.getParent().getFileName().toString();
      assertThat(
          Trees.relative(ROOT, f),
          Trees.relative(ROOT, f)
              .matches(
                  "spark-[0-9a-f]{32}/"
                      + pod
                      + "/"
                      + pod
                      + "_[0-2][0-9][0-5][0-9][0-5][0-9]_[0-9a-z]{6}\\.json(\\.gz)?"),
          is(true));
      assertThat(pod, pod.matches("[a-z-]+-[0-9a-f]{6}-(driver|exec-[1-9])"), is(true));
      assertThat(Trees.lines(f).size(), allOf(greaterThanOrEqualTo(150), lessThanOrEqualTo(400)));
    }
    Map<String, Object> totals = totals();
    assertThat(number(totals, "apps"), is(5L));
    assertThat(
        number(totals, "lines"), allOf(greaterThanOrEqualTo(4_000L), lessThanOrEqualTo(6_000L)));
    assertThat(number(totals, "bytes"), lessThan(3_000_000L));
    assertThat(files.stream().filter(f -> f.toString().endsWith(".json.gz")).count(), is(1L));
    // One driver log was rotated into two files.
    Map<Path, Long> filesPerDriver =
        files.stream()
            .filter(f -> f.getParent().getFileName().toString().endsWith("-driver"))
            .collect(Collectors.groupingBy(Path::getParent, TreeMap::new, Collectors.counting()));
    assertThat(
        filesPerDriver.values().stream().sorted().toList(), equalTo(List.of(1L, 1L, 1L, 1L, 2L)));
    for (Map<String, Object> app : apps()) {
      assertThat(
          ((List<?>) app.get("pods")).size(), allOf(greaterThanOrEqualTo(3), lessThanOrEqualTo(4)));
    }
  }

  @Test
  void shapesPerApplication() throws Exception {
    List<String> mixes = new ArrayList<>();
    for (Map<String, Object> app : apps()) {
      Set<String> shapes = new TreeSet<>();
      for (Path f : Trees.files(ROOT.resolve((String) app.get("folder")))) {
        for (String line : Trees.lines(f)) {
          if (ReferenceClassifier.classify(line).kind().equals(ReferenceClassifier.VALID)) {
            shapes.add(shape(line));
          }
        }
      }
      mixes.add(String.join("", shapes));
    }
    assertThat(mixes, containsInAnyOrder("A", "B", "C", "ABC", "ABC"));
  }

  @Test
  void rejectsAndBlankLines() throws Exception {
    Map<String, Object> totals = totals();
    @SuppressWarnings("unchecked")
    Map<String, BigDecimal> rejects = (Map<String, BigDecimal>) totals.get("rejects");
    assertThat(
        rejects.keySet(),
        containsInAnyOrder(
            "INVALID_JSON",
            "NOT_AN_OBJECT",
            "MISSING_TIMESTAMP",
            "INVALID_TIMESTAMP",
            "MISSING_MESSAGE"));
    long rejected = rejects.values().stream().mapToLong(BigDecimal::longValueExact).sum();
    assertThat(rejected, allOf(greaterThanOrEqualTo(15L), lessThanOrEqualTo(25L)));
    assertThat(
        apps().stream().filter(a -> !((Map<?, ?>) a.get("rejects")).isEmpty()).count(),
        greaterThanOrEqualTo(3L));

    List<String> all = allLines();
    assertThat(all, hasItem("[1,2,3]"));
    assertThat(all.stream().anyMatch(l -> l.startsWith("Exception in thread \"main\" ")), is(true));
    assertThat(all.stream().anyMatch(l -> l.contains("\"yesterday\"")), is(true));
    assertThat(
        all.stream()
            .anyMatch(
                l ->
                    l.matches(
                        ".*\"(timestamp|time)\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\".*")),
        is(true));
    assertThat(all.stream().anyMatch(l -> l.startsWith("\"") && l.endsWith("\"")), is(true));
    assertThat(all.stream().anyMatch(String::isEmpty), is(true));
    assertThat(all.stream().anyMatch(l -> !l.isEmpty() && l.isBlank()), is(true));
    boolean blankAtEnd = false;
    for (Path f : appFiles()) {
      List<String> lines = Trees.lines(f);
      blankAtEnd |= lines.get(lines.size() - 1).isBlank();
    }
    assertThat(blankAtEnd, is(true));
  }

  @Test
  void specialValidLines() throws Exception {
    List<String> valid =
        allLines().stream()
            .filter(l -> ReferenceClassifier.classify(l).kind().equals(ReferenceClassifier.VALID))
            .toList();
    assertThat(valid.stream().anyMatch(l -> l.contains("Ünïcödé ✓ 日本語 🚀")), is(true));
    assertThat(
        valid.stream().anyMatch(l -> l.length() > 20_000 && l.contains("\\n\\tat ")), is(true));
    assertThat(valid.stream().anyMatch(l -> l.contains("\\\"sales\\\"")), is(true));
    assertThat(valid.stream().anyMatch(l -> l.contains("\"message\":\"\"")), is(true));
    // Nanosecond and microsecond ISO fractions, epoch seconds and millis, a local offset, both
    // log4j time fields.
    assertThat(valid.stream().anyMatch(l -> l.matches(".*:\\d\\d\\.\\d{9}Z\".*")), is(true));
    assertThat(valid.stream().anyMatch(l -> l.matches(".*:\\d\\d\\.\\d{6}Z\".*")), is(true));
    assertThat(
        valid.stream().anyMatch(l -> l.matches("\\{\"date\":\\d{10}\\.\\d{6},.*")), is(true));
    assertThat(valid.stream().anyMatch(l -> l.matches("\\{\"date\":\\d{13},.*")), is(true));
    assertThat(
        valid.stream().anyMatch(l -> l.matches("\\{\"@timestamp\":\"[^\"]*\\+01:00\".*")),
        is(true));
    assertThat(valid.stream().anyMatch(l -> l.contains("\\\"timeMillis\\\":")), is(true));
    assertThat(valid.stream().anyMatch(l -> l.contains("\\\"thrown\\\":{")), is(true));
    // A log4j document without instant or timeMillis: the outer time is the timestamp.
    assertThat(valid.stream().anyMatch(l -> l.contains("\"log\":\"{\\\"thread\\\"")), is(true));
  }

  @Test
  void timestampsAscendWithinFilesAndSpanThreeDays() throws Exception {
    for (Path f : appFiles()) {
      long previous = Long.MIN_VALUE;
      for (String line : Trees.lines(f)) {
        ReferenceClassifier.Line l = ReferenceClassifier.classify(line);
        if (l.kind().equals(ReferenceClassifier.VALID)) {
          assertThat(f + ": " + line, l.epochMicros(), greaterThanOrEqualTo(previous));
          previous = l.epochMicros();
        }
      }
    }
    assertThat(((Map<?, ?>) totals().get("days")).keySet(), hasSize(3));
  }

  @Test
  void ignoredAndEmptyFolders() throws Exception {
    Map<String, Object> manifest = Trees.manifest(Trees.CHECKED_IN_MANIFEST);
    assertThat(manifest.get("ignoredFolders"), equalTo(List.of("fluent-bit-buffer")));
    assertThat(Trees.lines(ROOT.resolve("fluent-bit-buffer/chunk_000001.json")), hasSize(3));

    List<?> empty = (List<?>) manifest.get("emptyAppFolders");
    assertThat(empty, hasSize(1));
    Path emptyApp = ROOT.resolve((String) empty.get(0));
    assertThat(Trees.files(emptyApp), equalTo(List.of(emptyApp.resolve(".gitkeep"))));
    assertThat(Files.size(emptyApp.resolve(".gitkeep")), is(0L));
  }

  private static String shape(String line) {
    Map<?, ?> record = (Map<?, ?>) MiniJson.parse(line);
    if (record.containsKey("log")) {
      return "C";
    }
    return record.containsKey("kubernetes") ? "A" : "B";
  }

  private static List<Path> appFiles() throws Exception {
    return Trees.files(ROOT).stream()
        .filter(f -> !f.getFileName().toString().startsWith("."))
        .filter(f -> Trees.relative(ROOT, f).startsWith("spark-"))
        .toList();
  }

  private static List<String> allLines() throws Exception {
    List<String> all = new ArrayList<>();
    for (Path f : appFiles()) {
      all.addAll(Trees.lines(f));
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> apps() throws Exception {
    return (List<Map<String, Object>>) Trees.manifest(Trees.CHECKED_IN_MANIFEST).get("apps");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> totals() throws Exception {
    return (Map<String, Object>) Trees.manifest(Trees.CHECKED_IN_MANIFEST).get("totals");
  }

  private static long number(Map<String, Object> map, String key) {
    return ((BigDecimal) map.get(key)).longValueExact();
  }
}

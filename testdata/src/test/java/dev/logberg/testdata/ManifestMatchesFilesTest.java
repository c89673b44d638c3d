package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recounts a tree from its files alone (gunzipping .gz, classifying every line by the pipeline's
 * documented rules with a separate JSON parser) and compares every number of its manifest, per
 * application and in total.
 */
class ManifestMatchesFilesTest {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path tmp;

  @Test
  void checkedInManifestMatchesItsFiles() throws Exception {
    assertManifestMatchesFiles(Trees.CHECKED_IN_TREE, Trees.manifest(Trees.CHECKED_IN_MANIFEST));
  }

  @Test
  void sizeTreeManifestMatchesItsFiles() throws Exception {
    Path tree = tmp.resolve("tree");
    Path manifest = tmp.resolve("manifest.json");
    Trees.generate(
        "--out",
        tree.toString(),
        "--seed",
        "3",
        "--size",
        "3MB",
        "--manifest",
        manifest.toString());
    assertManifestMatchesFiles(tree, Trees.manifest(manifest));
  }

  private static void assertManifestMatchesFiles(Path root, Map<String, Object> manifest)
      throws IOException {
    List<Map<String, Object>> apps = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    Recount totals = new Recount();
    for (Path dir : sortedChildren(root)) {
      String name = dir.getFileName().toString();
      if (!name.matches("spark-[0-9a-f]{32}")) {
        ignored.add(name);
        continue;
      }
      List<Path> files =
          Trees.files(dir).stream()
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .toList();
      if (files.isEmpty()) {
        empty.add(name);
        continue;
      }
      Recount app = new Recount();
      for (Path file : files) {
        app.add(file);
        totals.add(file);
      }
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("appId", name);
      expected.put("folder", name);
      expected.put(
          "pods", sortedChildren(dir).stream().map(p -> p.getFileName().toString()).toList());
      expected.putAll(app.toManifestFields());
      apps.add(expected);
    }

    assertThat(manifest.get("ignoredFolders"), equalTo(ignored));
    assertThat(manifest.get("emptyAppFolders"), equalTo(empty));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> manifestApps = (List<Map<String, Object>>) manifest.get("apps");
    assertThat(
        manifestApps.stream().map(a -> a.get("appId")).toList(),
        equalTo(apps.stream().map(a -> a.get("appId")).toList()));
    for (int i = 0; i < apps.size(); i++) {
      assertThat((String) apps.get(i).get("appId"), manifestApps.get(i), equalTo(apps.get(i)));
    }
    Map<String, Object> expectedTotals = new LinkedHashMap<>();
    expectedTotals.put("apps", BigDecimal.valueOf(apps.size()));
    expectedTotals.putAll(totals.toManifestFields());
    assertThat(manifest.get("totals"), equalTo(expectedTotals));
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isDirectory).sorted().toList();
    }
  }

  /**
   * Counts made from the files, shaped like the manifest's fields (numbers as the JSON parser
   * returns them).
   */
  private static final class Recount {
    long files;
    long bytes;
    long lines;
    long blank;
    long valid;
    final Map<String, BigDecimal> rejects = new TreeMap<>();
    final Map<String, BigDecimal> levels = new TreeMap<>();
    final Map<String, BigDecimal> days = new TreeMap<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;

    void add(Path file) throws IOException {
      files++;
      bytes += Files.size(file);
      for (String line : Trees.lines(file)) {
        lines++;
        ReferenceClassifier.Line l = ReferenceClassifier.classify(line);
        switch (l.kind()) {
          case ReferenceClassifier.BLANK -> blank++;
          case ReferenceClassifier.VALID -> {
            valid++;
            if (l.level() != null) {
              levels.merge(l.level(), BigDecimal.ONE, BigDecimal::add);
            }
            Instant t = Instant.EPOCH.plus(l.epochMicros(), ChronoUnit.MICROS);
            days.merge(
                LocalDate.ofInstant(t, ZoneOffset.UTC).toString(), BigDecimal.ONE, BigDecimal::add);
            min = Math.min(min, l.epochMicros());
            max = Math.max(max, l.epochMicros());
          }
          default -> rejects.merge(l.kind(), BigDecimal.ONE, BigDecimal::add);
        }
      }
    }

    Map<String, Object> toManifestFields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("files", BigDecimal.valueOf(files));
      m.put("bytes", BigDecimal.valueOf(bytes));
      m.put("lines", BigDecimal.valueOf(lines));
      m.put("blankLines", BigDecimal.valueOf(blank));
      m.put("validLines", BigDecimal.valueOf(valid));
      m.put("rejects", rejects);
      m.put("levels", levels);
      m.put("days", days);
      m.put("minTimestamp", MICROS.format(Instant.EPOCH.plus(min, ChronoUnit.MICROS)));
      m.put("maxTimestamp", MICROS.format(Instant.EPOCH.plus(max, ChronoUnit.MICROS)));
      return m;
    }
  }
}

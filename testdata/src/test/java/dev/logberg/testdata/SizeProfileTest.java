package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --size} trees: about the requested size, at least 50 applications, gzip files, ~0.1%
 * rejects.
 */
class SizeProfileTest {
  @TempDir Path tmp;

  @Test
  void fiveMegabytes() throws Exception {
    Path tree = tmp.resolve("tree");
    Path manifestFile = tmp.resolve("manifest.json");
    Trees.generate(
        "--out",
        tree.toString(),
        "--seed",
        "42",
        "--size",
        "5MB",
        "--manifest",
        manifestFile.toString());

    Map<String, Object> totals = totals(Trees.manifest(manifestFile));
    long target = 5L << 20;
    assertThat(
        number(totals, "bytes"),
        allOf(greaterThanOrEqualTo(target * 8 / 10), lessThanOrEqualTo(target * 12 / 10)));
    assertThat(number(totals, "apps"), greaterThanOrEqualTo(50L));

    List<Path> files = Trees.files(tree);
    assertThat(
        files.stream().filter(f -> f.toString().endsWith(".json.gz")).count(), greaterThan(0L));

    long lines = number(totals, "lines");
    long rejected =
        ((Map<?, ?>) totals.get("rejects"))
            .values().stream().mapToLong(v -> ((BigDecimal) v).longValueExact()).sum();
    assertThat(rejected, greaterThanOrEqualTo(1L));
    assertThat(
        rejected * 100_000 / lines, allOf(greaterThanOrEqualTo(20L), lessThanOrEqualTo(300L)));
    long blank = number(totals, "blankLines");
    assertThat(
        blank * 100_000 / lines, allOf(greaterThanOrEqualTo(200L), lessThanOrEqualTo(1_000L)));

    // Ordinary lines are 200-2,000 bytes; only the odd stack trace may be longer.
    long ordinary = 0;
    long inRange = 0;
    for (Path f : files) {
      for (String line : Trees.lines(f)) {
        if (ReferenceClassifier.classify(line).kind().equals(ReferenceClassifier.VALID)) {
          ordinary++;
          int len = line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
          inRange += len >= 200 && len <= 2_000 ? 1 : 0;
        }
      }
    }
    assertThat(inRange * 1000 / ordinary, greaterThanOrEqualTo(990L));
  }

  @Test
  void applicationCountScalesWithSizeWithinBounds() {
    assertThat(
        SizeProfile.plan(1, 1L << 20, SizeProfile.DEFAULT_FIRST_DAY).apps().size(),
        is(SizeProfile.MIN_APPS));
    assertThat(
        SizeProfile.plan(1, 400L << 20, SizeProfile.DEFAULT_FIRST_DAY).apps().size(), is(200));
    assertThat(
        SizeProfile.plan(1, 4L << 30, SizeProfile.DEFAULT_FIRST_DAY).apps().size(),
        is(SizeProfile.MAX_APPS));
    for (TreePlan.AppPlan app :
        SizeProfile.plan(1, 400L << 20, SizeProfile.DEFAULT_FIRST_DAY).apps()) {
      assertThat(app.pods().size(), allOf(greaterThanOrEqualTo(2), lessThanOrEqualTo(7)));
    }
  }

  @Test
  void aLaterFirstDayShiftsEveryPodByWholeDaysAndChangesNothingElse() {
    LocalDate later = SizeProfile.DEFAULT_FIRST_DAY.plusDays(140);
    List<TreePlan.AppPlan> base =
        SizeProfile.plan(7, 1L << 20, SizeProfile.DEFAULT_FIRST_DAY).apps();
    List<TreePlan.AppPlan> shifted = SizeProfile.plan(7, 1L << 20, later).apps();
    long shift = 140L * 86_400L * Instants.NANOS_PER_SECOND;
    assertThat(shifted.size(), is(base.size()));
    for (int a = 0; a < base.size(); a++) {
      assertThat(shifted.get(a).appId(), is(base.get(a).appId()));
      for (int p = 0; p < base.get(a).pods().size(); p++) {
        TreePlan.PodPlan before = base.get(a).pods().get(p);
        TreePlan.PodPlan after = shifted.get(a).pods().get(p);
        assertThat(after.startNanos(), is(before.startNanos() + shift));
        assertThat(after.meanStepNanos(), is(before.meanStepNanos()));
        assertThat(
            after.files().stream().map(f -> f.byteBudget() + (f.gzip() ? "gz" : "")).toList(),
            is(before.files().stream().map(f -> f.byteBudget() + (f.gzip() ? "gz" : "")).toList()));
      }
    }
  }

  @Test
  void theFirstDayOptionMovesTheGeneratedTimestamps() throws Exception {
    Path manifestFile = tmp.resolve("manifest.json");
    Trees.generate(
        "--out",
        tmp.resolve("tree").toString(),
        "--seed",
        "3",
        "--size",
        "1MB",
        "--first-day",
        "2025-06-01",
        "--manifest",
        manifestFile.toString());
    Map<String, Object> totals = totals(Trees.manifest(manifestFile));
    // Starts within 60 hours of the day's midnight, runs up to six hours (plus executor offsets).
    assertThat((String) totals.get("minTimestamp"), greaterThanOrEqualTo("2025-06-01T00:00:00"));
    assertThat((String) totals.get("maxTimestamp"), lessThanOrEqualTo("2025-06-04T00:00:00"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> totals(Map<String, Object> manifest) {
    return (Map<String, Object>) manifest.get("totals");
  }

  private static long number(Map<String, Object> map, String key) {
    return ((BigDecimal) map.get(key)).longValueExact();
  }
}

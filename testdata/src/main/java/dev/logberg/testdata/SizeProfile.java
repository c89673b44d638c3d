package dev.logberg.testdata;

import dev.logberg.testdata.TreePlan.AppPlan;
import dev.logberg.testdata.TreePlan.FilePlan;
import dev.logberg.testdata.TreePlan.Origin;
import dev.logberg.testdata.TreePlan.PodPlan;
import dev.logberg.testdata.TreePlan.Special;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Plans the large synthetic trees of {@code --size} for benchmarks: about one application per 2 MiB
 * (50 to 500), each a driver and 1-6 executors, file sizes drawn log-normally so a few files reach
 * tens of MB while most stay small, about 3% of files gzip-compressed, the three shapes mixed.
 * Budgets are uncompressed bytes; gzip is only drawn among the smaller files, so compression
 * shrinks the tree on disk by a percent or so, not by a big file's ten-fold.
 */
final class SizeProfile {
  static final long BYTES_PER_APP = 2L << 20;
  static final int MIN_APPS = 50;
  static final int MAX_APPS = 500;

  private static final String[] APP_NAMES = {
    "etl-daily", "sessionize-clicks", "ml-feature-build", "inventory-sync", "fraud-scoring",
        "orders-compaction",
    "recs-training", "ads-attribution", "billing-rollup", "search-index", "geo-enrich",
        "churn-model",
  };
  private static final String[] SPARK_VERSIONS = {"3.5.1", "3.5.3", "3.4.3"};
  private static final String[] QUEUES = {"root.default", "root.etl", "root.analytics", "root.ml"};

  /**
   * The day a {@code --size} tree starts on unless told otherwise (trees made before the option
   * start on it).
   */
  static final LocalDate DEFAULT_FIRST_DAY = LocalDate.of(2025, 1, 14);

  private static final long HOUR_NANOS = 3_600L * Instants.NANOS_PER_SECOND;

  /** Among files at most the mean size (about three in four): ~3% of all files. */
  private static final int GZIP_PER_1000_SMALL_FILES = 40;

  /**
   * Sigma of the log-normal file weights: the largest of a few thousand files is roughly 100 times
   * the mean.
   */
  private static final double SIZE_SIGMA = 1.8;

  private SizeProfile() {}

  /** Mutable while budgets are unknown: they need the sum of all weights. */
  private record PodDraft(
      String podName,
      int executorId,
      String node,
      String ip,
      long start,
      long duration,
      List<Shape> shapes,
      double[] weights,
      boolean[] gzip,
      SplittableRandom rnd) {}

  private record AppDraft(
      String appId,
      String appName,
      String version,
      String queue,
      String submissionId,
      List<PodDraft> pods) {}

  /**
   * Applications start within 60 hours of {@code firstDay}'s midnight (UTC) and run up to six
   * hours.
   */
  static TreePlan plan(long seed, long targetBytes, LocalDate firstDay) {
    long windowStartNanos = firstDay.toEpochDay() * 86_400L * Instants.NANOS_PER_SECOND;
    SplittableRandom rnd = new SplittableRandom(seed);
    int appCount =
        (int)
            Math.max(
                MIN_APPS, Math.min(MAX_APPS, Math.round((double) targetBytes / BYTES_PER_APP)));
    List<AppDraft> drafts = new ArrayList<>();
    double totalWeight = 0;
    int fileCount = 0;
    for (int a = 0; a < appCount; a++) {
      String appName = APP_NAMES[rnd.nextInt(APP_NAMES.length)];
      String prefix = TreeLayout.podPrefix(appName, rnd);
      long start = windowStartNanos + (long) (rnd.nextDouble() * 60 * HOUR_NANOS);
      // Durations from 10 minutes to 6 hours, log-uniform: many short jobs, a few long ones.
      long duration =
          (long) (HOUR_NANOS / 6.0 * StrictMath.exp(rnd.nextDouble() * StrictMath.log(36)));
      List<Shape> appShapes = appShapes(rnd);
      int executors = 1 + rnd.nextInt(6);
      List<PodDraft> pods = new ArrayList<>();
      for (int e = 0; e <= executors; e++) {
        boolean driver = e == 0;
        int files = rotatedFiles(rnd, driver);
        double[] weights = new double[files];
        boolean[] gzip = new boolean[files];
        for (int f = 0; f < files; f++) {
          weights[f] = (driver ? 2 : 1) * StrictMath.exp(SIZE_SIGMA * gaussian(rnd));
          gzip[f] = rnd.nextInt(1000) < GZIP_PER_1000_SMALL_FILES;
          totalWeight += weights[f];
          fileCount++;
        }
        long offset = driver ? 0 : (10 + rnd.nextInt(80)) * Instants.NANOS_PER_SECOND;
        long podDuration = driver ? duration : (long) (duration * (0.7 + 0.25 * rnd.nextDouble()));
        List<Shape> shapes =
            appShapes.size() == 1 || (appShapes.size() == 3 && rnd.nextBoolean())
                ? appShapes
                : List.of(Shape.values()[rnd.nextInt(3)]);
        pods.add(
            new PodDraft(
                driver ? TreeLayout.driverPod(prefix) : TreeLayout.executorPod(prefix, e),
                e,
                TreeLayout.node(rnd),
                TreeLayout.ip(rnd),
                start + offset,
                podDuration,
                shapes,
                weights,
                gzip,
                rnd.split()));
      }
      drafts.add(
          new AppDraft(
              TreeLayout.appId(rnd),
              appName,
              SPARK_VERSIONS[rnd.nextInt(SPARK_VERSIONS.length)],
              QUEUES[rnd.nextInt(QUEUES.length)],
              TreeLayout.uuid(rnd),
              pods));
    }
    gzipOnlySmallFiles(drafts, totalWeight / fileCount);
    return new TreePlan(
        new Origin(seed, null, targetBytes),
        budgeted(drafts, targetBytes / totalWeight),
        List.of(),
        List.of(),
        List.of());
  }

  /**
   * One shape per application, or a mix: {@code [A, B, C]} means each pod of the application either
   * picks one shape (mixed by file) or mixes all three line by line.
   */
  private static List<Shape> appShapes(SplittableRandom rnd) {
    int r = rnd.nextInt(100);
    if (r < 25) {
      return List.of(Shape.A);
    }
    if (r < 50) {
      return List.of(Shape.B);
    }
    if (r < 75) {
      return List.of(Shape.C);
    }
    return List.of(Shape.A, Shape.B, Shape.C);
  }

  /** Log rotation: drivers log more and rotate more often. */
  private static int rotatedFiles(SplittableRandom rnd, boolean driver) {
    int r = rnd.nextInt(100);
    if (driver) {
      return r < 80 ? 1 : r < 95 ? 2 : 3;
    }
    return r < 90 ? 1 : 2;
  }

  /** Box-Muller with StrictMath, so the same seed gives the same sizes on every JVM and CPU. */
  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * rnd.nextDouble());
  }

  /**
   * Keeps the drawn gzip flags of files up to the mean weight only; if none is left, compresses the
   * smallest file, because every tree must exercise the gzip path.
   */
  private static void gzipOnlySmallFiles(List<AppDraft> drafts, double meanWeight) {
    boolean any = false;
    PodDraft smallestPod = null;
    int smallestFile = 0;
    for (AppDraft app : drafts) {
      for (PodDraft pod : app.pods()) {
        for (int f = 0; f < pod.weights().length; f++) {
          pod.gzip()[f] &= pod.weights()[f] <= meanWeight;
          any |= pod.gzip()[f];
          if (smallestPod == null || pod.weights()[f] < smallestPod.weights()[smallestFile]) {
            smallestPod = pod;
            smallestFile = f;
          }
        }
      }
    }
    if (!any) {
      Objects.requireNonNull(smallestPod, "a plan has at least one file").gzip()[smallestFile] =
          true;
    }
  }

  private static List<AppPlan> budgeted(List<AppDraft> drafts, double bytesPerWeight) {
    List<AppPlan> apps = new ArrayList<>();
    for (AppDraft app : drafts) {
      List<PodPlan> pods = new ArrayList<>();
      for (PodDraft pod : app.pods()) {
        List<FilePlan> files = new ArrayList<>();
        long podBytes = 0;
        for (int f = 0; f < pod.weights().length; f++) {
          long budget = Math.max(1, (long) (pod.weights()[f] * bytesPerWeight));
          podBytes += budget;
          files.add(new FilePlan(pod.shapes(), 0, budget, pod.gzip()[f], true, new Special[0]));
        }
        // Spread the pod's lines over its lifetime: the mean gap is its duration over its expected
        // line count.
        long expectedLines = Math.max(1, podBytes / averageLineBytes(pod.shapes()));
        long meanStep =
            Math.max(
                Instants.NANOS_PER_MILLI,
                pod.duration() / expectedLines - PodWriter.MIN_STEP_NANOS);
        pods.add(
            new PodPlan(
                pod.podName(),
                pod.executorId(),
                pod.node(),
                pod.ip(),
                pod.start(),
                meanStep,
                pod.rnd(),
                List.copyOf(files)));
      }
      apps.add(
          new AppPlan(
              app.appId(),
              app.appName(),
              app.version(),
              app.queue(),
              app.submissionId(),
              List.copyOf(pods)));
    }
    return apps;
  }

  /**
   * Rough line sizes of each shape as generated (C carries the escaped log4j document, B no
   * Kubernetes block).
   */
  private static long averageLineBytes(List<Shape> shapes) {
    long sum = 0;
    for (Shape s : shapes) {
      sum +=
          switch (s) {
            case A -> 650;
            case B -> 330;
            case C -> 950;
          };
    }
    return sum / shapes.size();
  }
}

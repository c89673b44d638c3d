package dev.logberg.testdata;

import java.util.List;
import java.util.SplittableRandom;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Everything a profile decides before a byte is written: applications, pods, files and their edge
 * cases. Writing a plan needs no further decisions except the ones each pod's own random stream
 * makes, so pods can be written in parallel and the output still depends on the seed alone.
 */
record TreePlan(
    Origin origin,
    List<AppPlan> apps,
    List<ExtraFile> extras,
    List<String> ignoredFolders,
    List<String> emptyAppFolders) {

  /**
   * How the tree was made, recorded in the manifest: a seed and either a profile name or a byte
   * size.
   */
  record Origin(long seed, @Nullable String profile, long sizeBytes) {}

  /** One {@code spark-<32 hex>} folder; {@code appId} is also the folder name. */
  record AppPlan(
      String appId,
      String appName,
      String sparkVersion,
      String queue,
      String submissionId,
      List<PodPlan> pods) {}

  /**
   * One pod's folder. Its files are consecutive in time (log rotation). Lines are {@code 10 ms +
   * exponential(mean)} apart, so timestamps ascend within a file and from one rotated file to the
   * next.
   *
   * @param executorId 0 for the driver
   * @param rnd the pod's own random stream, split from the profile's in plan order
   */
  record PodPlan(
      String podName,
      int executorId,
      String node,
      String ip,
      long startNanos,
      long meanStepNanos,
      SplittableRandom rnd,
      List<FilePlan> files) {

    boolean isDriver() {
      return executorId == 0;
    }
  }

  /**
   * One log file.
   *
   * @param shapes one shape for the whole file, or several to pick from per line
   * @param lineCount exact number of lines, or 0 to write until {@code byteBudget} uncompressed
   *     bytes
   * @param specials per line index, the scripted line (null entries are ordinary lines); empty with
   *     a byte budget
   */
  record FilePlan(
      List<Shape> shapes,
      int lineCount,
      long byteBudget,
      boolean gzip,
      boolean finalNewline,
      Special[] specials) {}

  /** A scripted line: its kind and what its message holds. */
  record Special(LineKind kind, MessageKind message) {}

  /**
   * A file outside the applications (ignored folders, {@code .gitkeep}), path relative to the
   * output root.
   */
  record ExtraFile(String path, String content) {}
}

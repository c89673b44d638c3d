package dev.logberg.upsert;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Whether upkeep rewrites a table's data manifests clustered by partition, and into which groups:
 * pure decisions on a description of the manifests, so that tests call them without a table.
 *
 * <p>The table's partitions (spec id plus partition tuple), in partition order, are cut into at
 * most {@code maxManifests} runs of consecutive partitions: one partition per run while the table
 * has no more partitions than that, else {@code ceil(partitions / maxManifests)} each. A clustered
 * table has one data manifest per run (more only where a run's entries exceed the target manifest
 * size). The rewrite is due when a data manifest with live files covers more partitions than a run
 * holds, or when more than {@code 2 * maxManifests} data manifests with live files are below the
 * target manifest size. Neither holds right after a rewrite, nor after the few single-partition
 * manifests that compaction's commits add, so repeated upkeep does not rewrite again.
 *
 * <p>It is not done, though due, when the data manifests together exceed {@code maxTotalBytes}:
 * then Iceberg's own manifest merging on the next commit would pack the small clustered manifests
 * together again (see docs/UPKEEP.md).
 */
final class ManifestLayout {
  private ManifestLayout() {}

  /**
   * One data manifest of the current snapshot: its location, length, and the partitions of its live
   * data files (none if all its entries are deleted ones).
   */
  record Manifest(String path, long lengthBytes, Set<String> partitions) {}

  /**
   * The decision: {@code reason} says why the rewrite is due (or, with {@code rewrite} false, why
   * it is not done though due); null when nothing is due. {@code groups} maps each partition to its
   * run.
   */
  record Decision(
      boolean rewrite,
      @Nullable String reason,
      int partitionsPerManifest,
      Map<String, Integer> groups) {

    /**
     * The cluster of a data file's partition: its run, or the partition itself if it was not known
     * when deciding (a file committed concurrently).
     */
    Object clusterOf(String partition) {
      Integer group = groups.get(partition);
      return group != null ? group : partition;
    }
  }

  /**
   * Decides for the manifests of one snapshot. {@code orderedPartitions}: every partition with a
   * live data file, in partition order, each once.
   */
  static Decision decide(
      List<String> orderedPartitions,
      List<Manifest> manifests,
      int maxManifests,
      long targetManifestBytes,
      long maxTotalBytes) {
    int runs = Math.max(1, maxManifests);
    int perManifest = Math.max(1, (orderedPartitions.size() + runs - 1) / runs);
    Map<String, Integer> groups = new HashMap<>();
    for (int i = 0; i < orderedPartitions.size(); i++) {
      groups.put(orderedPartitions.get(i), i / perManifest);
    }
    int widest = 0;
    int small = 0;
    long total = 0;
    for (Manifest m : manifests) {
      total += m.lengthBytes();
      if (m.partitions().isEmpty()) {
        continue; // only deleted entries: the next commit drops it
      }
      widest = Math.max(widest, m.partitions().size());
      if (m.lengthBytes() < targetManifestBytes) {
        small++;
      }
    }
    String reason = null;
    if (widest > perManifest) {
      reason =
          String.format(
              "a data manifest covers %d partitions (clustered: at most %d)", widest, perManifest);
    } else if (small > 2 * runs) {
      reason = String.format("%d small data manifests (more than %d)", small, 2 * runs);
    }
    if (reason == null) {
      return new Decision(false, null, perManifest, groups);
    }
    if (total > maxTotalBytes) {
      return new Decision(
          false,
          String.format(
              "%s, but the data manifests total %d bytes, more than %d: Iceberg's manifest merging"
                  + " would pack them together again at the next commit",
              reason, total, maxTotalBytes),
          perManifest,
          groups);
    }
    return new Decision(true, reason, perManifest, groups);
  }
}

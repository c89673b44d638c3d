package dev.logberg.upsert;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;

/**
 * The benchmark's timed copy of {@link MergeKeyResolver#resolveAppends}'s first (non-conflicting)
 * attempt, calling the same library steps one by one so that each can be timed. It lives in the
 * library's package (in the bench module, not in upsert/) only to reach the package-private {@link
 * MergeKeyResolver#deletions}.
 */
public final class ResolutionPhases {
  private ResolutionPhases() {}

  /**
   * How long each phase of one in-process resolution took, and how many files it read.
   *
   * @param planMillis ResolutionPlan.forAppends: snapshot's added files + planFiles of the table
   * @param addedFiles files the appends added (all their keys are read)
   * @param existingFiles older live files whose key bounds may overlap (read with the batch's key
   *     filter)
   * @param scanMillis MergeKeyResolver.deletions: key scans of added and existing files, winners
   *     picked in memory
   * @param commitMillis DeleteCommitter.commit: planFiles again, write delete files + marker,
   *     validated RowDelta
   */
  public record Timing(
      long planMillis,
      int addedFiles,
      int existingFiles,
      long scanMillis,
      long commitMillis,
      long deletedRows,
      long snapshotId) {
    public long totalMillis() {
      return planMillis + scanMillis + commitMillis;
    }
  }

  public static Timing resolveAppends(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds) {
    long t0 = System.nanoTime();
    ResolutionPlan plan = ResolutionPlan.forAppends(table, keys, List.copyOf(appendSnapshotIds));
    long t1 = System.nanoTime();
    DeletePlan deletes = MergeKeyResolver.deletions(table, keys, plan).deletes();
    Map<String, long[]> positions = deletes.positionsByFile();
    long t2 = System.nanoTime();
    long snapshot = DeleteCommitter.commit(table, plan.baseSnapshotId(), positions);
    long t3 = System.nanoTime();
    return new Timing(
        (t1 - t0) / 1_000_000,
        plan.added().size(),
        plan.existing().size(),
        (t2 - t1) / 1_000_000,
        (t3 - t2) / 1_000_000,
        deletes.rowCount(),
        snapshot);
  }
}

package dev.logberg.upsert;

import java.util.List;
import java.util.Objects;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Publishes data files already written for a table (by any writer, or records: {@link
 * #publishRecords}) with merge-key semantics, in one commit: the files with a live row left are
 * added, every row that loses to another with its key is deleted, in them or in the table. A reader
 * sees all of it or none. What {@link UpsertIntoIceberg} does with staged files, for callers that
 * commit a few rows from a driver or a DoFn.
 *
 * <p>Publishing the same files again commits nothing: the commit carries a token naming them
 * ({@link #PROPERTY}), and a publication already in the table's history is returned instead.
 */
public final class Publication {
  /** Snapshot summary property holding the token of the publication a commit made. */
  public static final String PROPERTY = PublicationToken.PROPERTY;

  private Publication() {}

  /**
   * How a publication meets concurrent commits.
   *
   * <ul>
   *   <li>{@link #RETRY}: resolved at the table's current snapshot; when another commit conflicts,
   *       resolved again at the new one, up to {@link MergeKeyResolver#MAX_ATTEMPTS} commits.
   *   <li>{@link #validated}: resolved at the snapshot the caller decided on; any conflicting
   *       commit since then fails the publication: an exclusive claim ("nobody committed rows for
   *       these keys since the snapshot I decided on").
   * </ul>
   */
  public static final class Validation {
    /** Recompute and retry on conflict. */
    public static final Validation RETRY = new Validation(true, -1L, null);

    private final boolean retries;
    private final long baseSnapshotId;
    private final @Nullable Expression conflictFilter;

    private Validation(boolean retries, long baseSnapshotId, @Nullable Expression conflictFilter) {
      this.retries = retries;
      this.baseSnapshotId = baseSnapshotId;
      this.conflictFilter = conflictFilter;
    }

    /**
     * Resolves against {@code baseSnapshotId} and commits only if no data or deletes matching
     * {@code conflictFilter} were committed since: otherwise Iceberg's {@code ValidationException}
     * (or {@code CommitFailedException}) reaches the caller, and nothing is retried.
     *
     * @param baseSnapshotId the snapshot the caller's decision was read from; -1 if the table had
     *     none (then any matching commit conflicts)
     * @param conflictFilter rows whose change since the base conflicts, typically the published
     *     keys (an {@code in} on the key column). Position deletes carry no key statistics: a
     *     delete committed since the base in a partition the filter can match conflicts too.
     */
    public static Validation validated(long baseSnapshotId, Expression conflictFilter) {
      return new Validation(
          false, baseSnapshotId, Objects.requireNonNull(conflictFilter, "conflictFilter"));
    }

    boolean retries() {
      return retries;
    }

    long baseSnapshotId() {
      return baseSnapshotId;
    }

    @Nullable Expression conflictFilter() {
      return conflictFilter;
    }

    @Override
    public String toString() {
      return retries
          ? "RETRY"
          : "VALIDATED(from snapshot " + baseSnapshotId + ", conflicts: " + conflictFilter + ")";
    }
  }

  /**
   * {@code table} for commits made on behalf of run {@code runId}: each of them (publications,
   * resolutions, anything committed through it) fails once the table fences that run ({@link
   * #fence}), and the failure is never retried. The fence is checked against the metadata the
   * catalog commit swaps from, so a fence set before the commit lands always stops it.
   */
  public static Table onBehalfOf(Table table, String runId) {
    return RunFence.onBehalfOf(table, runId);
  }

  /**
   * Fences run {@code runId} out of {@code table}: from now on, no commit made on its behalf
   * ({@link #onBehalfOf}) lands there. A table property, so it costs no snapshot.
   *
   * @param fencedBy the run that took over, named in the error the fenced run gets
   */
  public static void fence(Table table, String runId, String fencedBy) {
    table.updateProperties().set(RunFence.PREFIX + runId, fencedBy).commit();
  }

  /** The run that fenced {@code runId} out of {@code table}, or null if it is not fenced. */
  public static @Nullable String fencedBy(Table table, String runId) {
    return table.properties().get(RunFence.PREFIX + runId);
  }

  /**
   * Lifts the fence against {@code runId} if {@code table} has one: for a new run that reuses the
   * id of a fenced one (ids of live runs must be distinct).
   */
  public static void unfence(Table table, String runId) {
    if (fencedBy(table, runId) != null) {
      table.updateProperties().remove(RunFence.PREFIX + runId).commit();
    }
  }

  /**
   * Publishes {@code newFiles} into {@code target}.
   *
   * @param newFiles data files of {@code target} (one of its partition specs), not committed
   * @return the commit: its snapshot (-1 when nothing was committed: no file kept a live row and no
   *     row had to be deleted), rows added and deleted
   * @throws org.apache.iceberg.exceptions.ValidationException in {@link Validation#validated} mode,
   *     when a conflicting commit happened since the base snapshot
   */
  public static MergeKeyResolver.Outcome publish(
      Table target, MergeKeys keys, List<DataFile> newFiles, Validation validation) {
    for (DataFile file : newFiles) {
      if (file.content() != FileContent.DATA) {
        throw new IllegalArgumentException(file.location() + " is not a data file");
      }
      if (!target.specs().containsKey(file.specId())) {
        throw new IllegalArgumentException(
            file.location() + " has partition spec " + file.specId() + ", unknown to " + target);
      }
    }
    if (newFiles.isEmpty()) {
      return MergeKeyResolver.Outcome.NOTHING;
    }
    String token =
        PublicationToken.of("direct", newFiles.stream().map(DataFile::location).toList());
    return MergeKeyResolver.publish(target, keys, token, newFiles, validation);
  }

  /**
   * Writes {@code records} as one data file of {@code target} and publishes it: a few rows
   * committed from a driver or a DoFn without Managed (claims, statuses). Beam rows convert with
   * {@code org.apache.beam.sdk.io.iceberg.IcebergUtils.beamRowToIcebergRecord}.
   *
   * @param records at least one; on a partitioned table, all of one partition
   * @throws IllegalArgumentException if there is no record, or the records span partitions
   */
  public static MergeKeyResolver.Outcome publishRecords(
      Table target, MergeKeys keys, List<Record> records, Validation validation) {
    return publish(target, keys, List.of(RecordFiles.write(target, records)), validation);
  }
}

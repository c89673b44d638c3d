package dev.logberg.upsert;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.SnapshotUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves merge keys in this process: plan, scan, pick winners, commit, and on a conflicting
 * concurrent commit start again from the new snapshot. The Beam transform distributes the same
 * steps; this class is what it falls back to when its commit conflicts, and what small maintenance
 * runs and tests use.
 */
public final class MergeKeyResolver {
  private static final Logger LOG = LoggerFactory.getLogger(MergeKeyResolver.class);

  /** Commit attempts before giving up when other writers keep committing in between. */
  public static final int MAX_ATTEMPTS = 5;

  /**
   * What one resolution did: its commit, the rows it deleted and what it read to find them.
   *
   * @param snapshotId the resolving commit, or -1 if no row had to be deleted
   * @param deletedRows rows deleted
   * @param attempts commits tried
   * @param existingFilesRead existing data files this process opened to look for the batch's keys,
   *     over all attempts (0 when the scans ran on other workers: see {@link ResolvePlans}'s
   *     counters)
   * @param existingRowsRead rows decoded from those files; row groups skipped by statistics are not
   *     counted
   * @param phases where the time went, for benchmarks ({@link Phases#NONE} when not measured)
   */
  public record Outcome(
      long snapshotId,
      long deletedRows,
      int attempts,
      long existingFilesRead,
      long existingRowsRead,
      Phases phases) {

    Outcome plusReads(long files, long rows) {
      return new Outcome(
          snapshotId,
          deletedRows,
          attempts,
          existingFilesRead + files,
          existingRowsRead + rows,
          phases);
    }
  }

  /**
   * The time of each step of an in-process resolution, summed over its attempts, and the files of
   * its last plan: what a benchmark needs without reaching into the steps.
   *
   * @param planMillis planning: the appends' added files and the live files that may hold their
   *     keys
   * @param scanMillis reading keys (hashes first) and picking each key's winner
   * @param commitMillis writing the delete files and committing them
   * @param addedFiles files the appends added
   * @param existingFiles older live files planned to be read for the batch's keys
   */
  public record Phases(
      long planMillis, long scanMillis, long commitMillis, int addedFiles, int existingFiles) {
    public static final Phases NONE = new Phases(0, 0, 0, 0, 0);

    public long totalMillis() {
      return planMillis + scanMillis + commitMillis;
    }

    Phases plus(long plan, long scan, long commit, int added, int existing) {
      return new Phases(
          planMillis + plan, scanMillis + scan, commitMillis + commit, added, existing);
    }
  }

  /**
   * The snapshot summary property that names what a commit of this library did ({@code
   * resolve-merge-keys} for a resolution).
   */
  public static final String OPERATION_PROPERTY = DeleteCommitter.OPERATION_PROPERTY;

  /** The rows to delete, and what reading the existing files cost. */
  record Deletions(DeletePlan deletes, long existingFilesRead, long existingRowsRead) {}

  private MergeKeyResolver() {}

  /** After appends: resolve the keys the given snapshots added against the whole table. */
  public static Outcome resolveAppends(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds) {
    return resolve(table, keys, new LinkedHashSet<>(appendSnapshotIds), false);
  }

  /** Maintenance: leave one live row per key in the whole table. */
  public static Outcome deduplicate(Table table, MergeKeys keys) {
    return resolve(table, keys, new LinkedHashSet<>(), true);
  }

  /**
   * Recomputes after a conflicting commit: the appends' keys, and the keys of everything committed
   * after {@code sinceSnapshotId}, against the table as it is now.
   */
  public static Outcome resolveAfterConflict(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds, long sinceSnapshotId) {
    table.refresh();
    Set<Long> appends = new LinkedHashSet<>(appendSnapshotIds);
    appends.addAll(committedSince(table, sinceSnapshotId));
    return resolve(table, keys, appends, false);
  }

  /** Resolves a plan made elsewhere (a graph's planning step) in this process. */
  static Outcome resolvePlan(Table table, MergeKeys keys, ResolutionPlan plan) {
    Deletions deletions = deletions(table, keys, plan);
    return commitOrRecompute(table, keys, plan, deletions.deletes())
        .plusReads(deletions.existingFilesRead(), deletions.existingRowsRead());
  }

  /**
   * Commits deletes computed for {@code plan}; if a concurrent commit makes them stale, recomputes
   * here from the table's new state instead.
   */
  static Outcome commitOrRecompute(
      Table table, MergeKeys keys, ResolutionPlan plan, DeletePlan deletes) {
    try {
      long snapshot =
          DeleteCommitter.commit(table, plan.baseSnapshotId(), deletes.positionsByFile());
      return new Outcome(snapshot, deletes.rowCount(), 1, 0, 0, Phases.NONE);
    } catch (ValidationException | CommitFailedException e) {
      LOG.info(
          "Resolution of {} conflicted ({}); recomputing from the current snapshot",
          table.name(),
          e.getMessage());
      return plan.wholeTable()
          ? deduplicate(table, keys)
          : resolveAfterConflict(table, keys, plan.appendSnapshotIds(), plan.baseSnapshotId());
    }
  }

  private static Outcome resolve(
      Table table, MergeKeys keys, Set<Long> appends, boolean wholeTable) {
    long filesRead = 0;
    long rowsRead = 0;
    Phases phases = Phases.NONE;
    for (int attempt = 1; ; attempt++) {
      long started = System.nanoTime();
      ResolutionPlan plan =
          wholeTable
              ? ResolutionPlan.wholeTable(table, keys)
              : ResolutionPlan.forAppends(table, keys, appends);
      long planned = System.nanoTime();
      if (plan.isEmpty()) {
        return new Outcome(-1L, 0, attempt - 1, filesRead, rowsRead, phases);
      }
      Deletions deletions = deletions(table, keys, plan);
      DeletePlan deletes = deletions.deletes();
      filesRead += deletions.existingFilesRead();
      rowsRead += deletions.existingRowsRead();
      long scanned = System.nanoTime();
      long snapshot = -1L;
      @Nullable RuntimeException conflict = null;
      try {
        snapshot = DeleteCommitter.commit(table, plan.baseSnapshotId(), deletes.positionsByFile());
      } catch (ValidationException | CommitFailedException e) {
        conflict = e;
      }
      phases =
          phases.plus(
              millis(started, planned),
              millis(planned, scanned),
              millis(scanned, System.nanoTime()),
              plan.added().size(),
              plan.existing().size());
      if (conflict == null) {
        return new Outcome(snapshot, deletes.rowCount(), attempt, filesRead, rowsRead, phases);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new IllegalStateException(
            "resolving merge keys of "
                + table.name()
                + " conflicted with other commits "
                + attempt
                + " times",
            conflict);
      }
      LOG.info(
          "Resolving {} conflicted with a concurrent commit ({}); recomputing",
          table.name(),
          conflict.getMessage());
      table.refresh();
      appends.addAll(committedSince(table, plan.baseSnapshotId()));
    }
  }

  private static long millis(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1_000_000;
  }

  /** Every row that loses to another row with its key, as positions by data file. */
  static Deletions deletions(Table table, MergeKeys keys, ResolutionPlan plan) {
    DeletePlan deletes = new DeletePlan();
    KeyScanner existingReads = new KeyScanner(table, keys);
    contested(table, keys, plan, existingReads)
        .values()
        .forEach(rows -> WinnerSelection.losers(rows).forEach(deletes::add));
    return new Deletions(deletes, existingReads.filesOpened(), existingReads.rowsRead());
  }

  /**
   * The rows of every added key that may have more than one live row, grouped by key. Hashes first:
   * the added files' keys are read as 64-bit hashes (8 bytes a row), and only keys whose hash
   * repeats in the batch or is met in an existing file are read again in full. A fresh batch of new
   * keys, the common case, keeps nothing but its hashes; a batch that rewrites old keys keeps what
   * it must compare.
   *
   * @param existingReads reads the existing files, so that its counts are theirs alone
   */
  static Map<String, List<KeyedRow>> contested(
      Table table, MergeKeys keys, ResolutionPlan plan, KeyScanner existingReads) {
    KeyScanner scanner = new KeyScanner(table, keys);
    // The files are independent and this step has the worker to itself: hash them in parallel.
    List<long[]> addedHashes = plan.added().parallelStream().map(scanner::hashes).toList();
    KeyHashes.Builder all = new KeyHashes.Builder();
    addedHashes.forEach(all::addAll);
    KeyHashes added = all.build();

    Map<String, List<KeyedRow>> existing = new HashMap<>();
    plan.existing()
        .forEach(f -> existingReads.scan(f, added, (key, row) -> group(existing, key, row)));
    KeyHashes contested =
        new KeyHashes.Builder()
            .addAll(added.repeated())
            .addAll(existing.keySet().stream().mapToLong(KeyHashes::hash).toArray())
            .build();
    Map<String, List<KeyedRow>> byKey = new HashMap<>();
    if (contested.isEmpty()) {
      return byKey;
    }
    for (int i = 0; i < addedHashes.size(); i++) {
      if (contested.mightContainAny(addedHashes.get(i))) {
        scanner.scan(plan.added().get(i), contested, (key, row) -> group(byKey, key, row));
      }
    }
    // Only added keys are resolved: an existing row that merely shares a hash stays as it is.
    byKey.forEach((key, rows) -> rows.addAll(existing.getOrDefault(key, List.of())));
    return byKey;
  }

  private static void group(Map<String, List<KeyedRow>> byKey, String key, KeyedRow row) {
    byKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(row);
  }

  private static List<Long> committedSince(Table table, long snapshotId) {
    if (table.currentSnapshot() == null || snapshotId < 0) {
      return List.of();
    }
    return SnapshotUtil.snapshotIdsBetween(table, snapshotId, table.currentSnapshot().snapshotId());
  }
}

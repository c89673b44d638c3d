package dev.logberg.upsert;

import static dev.logberg.upsert.Publication.Validation.RETRY;

import dev.logberg.upsert.Publication.Validation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves merge keys in this process: plan, scan, pick winners, commit, and on a conflicting
 * concurrent commit start again from the new snapshot. The Beam transform distributes the same
 * steps; this class is what it falls back to when its commit conflicts, and what {@link
 * Publication}, small maintenance runs and tests use.
 */
public final class MergeKeyResolver {
  private static final Logger LOG = LoggerFactory.getLogger(MergeKeyResolver.class);

  /** Commit attempts before giving up when other writers keep committing in between. */
  public static final int MAX_ATTEMPTS = 5;

  /**
   * What one resolution did: its commit, the rows it added and deleted, and what it read to find
   * them.
   *
   * @param snapshotId the resolving commit, or -1 if nothing had to be committed
   * @param addedRows rows of new files published live (0 after appends)
   * @param deletedRows rows deleted because another row of their key won, new rows that were not
   *     published for that reason included
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
      long addedRows,
      long deletedRows,
      int attempts,
      long existingFilesRead,
      long existingRowsRead,
      Phases phases) {
    /** Nothing to resolve. */
    public static final Outcome NOTHING = new Outcome(-1L, 0, 0, 0, 0, 0, Phases.NONE);

    private static Outcome of(
        ResolutionCommitter.Committed commit,
        int attempts,
        long existingFilesRead,
        long existingRowsRead,
        Phases phases) {
      return new Outcome(
          commit.snapshotId(),
          commit.addedRows(),
          commit.deletedRows(),
          attempts,
          existingFilesRead,
          existingRowsRead,
          phases);
    }
  }

  /**
   * The time of each step of an in-process resolution, summed over its attempts, and the files of
   * its last plan: what a benchmark needs without reaching into the steps.
   *
   * @param planMillis planning: the batch's files and the live files that may hold their keys
   * @param scanMillis reading keys (hashes first) and picking each key's winner
   * @param commitMillis writing the delete files and committing them
   * @param addedFiles files of the batch
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
   * The snapshot summary property that names what a commit of this library did ({@code publish},
   * {@code resolve-merge-keys}, {@code remove-fully-deleted-files}).
   */
  public static final String OPERATION_PROPERTY = ResolutionCommitter.OPERATION_PROPERTY;

  /** The rows to delete, and what reading the existing files cost. */
  record Deletions(DeletePlan deletes, long existingFilesRead, long existingRowsRead) {}

  private MergeKeyResolver() {}

  /**
   * After appends committed by other means: resolve the keys the given snapshots added against the
   * whole table. Readers see both rows of a key between those appends and this commit; {@link
   * Publication} and {@link UpsertIntoIceberg} have no such window.
   */
  public static Outcome resolveAppends(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds) {
    return resolve(
        table, keys, t -> ResolutionPlan.forAppends(t, keys, appendSnapshotIds), RETRY, 1);
  }

  /** Maintenance: leave one live row per key in the whole table. */
  public static Outcome deduplicate(Table table, MergeKeys keys) {
    return resolve(table, keys, t -> ResolutionPlan.wholeTable(t, keys), RETRY, 1);
  }

  /** {@link Publication#publish}, its token made. */
  static Outcome publish(
      Table table, MergeKeys keys, String token, List<DataFile> files, Validation validation) {
    return resolve(
        table,
        keys,
        t ->
            ResolutionPlan.forPublication(
                t,
                keys,
                token,
                files,
                validation.retries()
                    ? ResolutionPlan.currentSnapshotId(t)
                    : validation.baseSnapshotId()),
        validation,
        1);
  }

  /** Resolves a plan made elsewhere (a graph's planning step) in this process. */
  static Outcome resolvePlan(Table table, MergeKeys keys, ResolutionPlan plan) {
    return resolve(table, keys, t -> plan, RETRY, 1);
  }

  /**
   * Commits deletes computed for {@code plan} (elsewhere: the distributed path); if a concurrent
   * commit makes them stale, recomputes here from the table's new state instead.
   */
  static Outcome commitOrRecompute(
      Table table, MergeKeys keys, ResolutionPlan plan, DeletePlan deletes) {
    ResolutionCommitter.@Nullable Committed previous =
        ResolutionCommitter.alreadyCommitted(table, plan);
    if (previous != null) {
      return Outcome.of(previous, 0, 0, 0, Phases.NONE);
    }
    try {
      return Outcome.of(
          ResolutionCommitter.commit(table, plan, deletes.positionsByFile(), null),
          1,
          0,
          0,
          Phases.NONE);
    } catch (ValidationException | CommitFailedException e) {
      LOG.info(
          "Resolution of {} conflicted ({}); recomputing from the current snapshot",
          table.name(),
          e.getMessage());
      table.refresh();
      return resolve(table, keys, t -> plan.replan(t, keys), RETRY, 2);
    }
  }

  /**
   * Plans with {@code planner} for the first attempt (the plan made again at the new snapshot for
   * the next ones), scans, commits; numbers attempts from {@code firstAttempt}.
   */
  private static Outcome resolve(
      Table table,
      MergeKeys keys,
      Function<Table, ResolutionPlan> planner,
      Validation validation,
      int firstAttempt) {
    long filesRead = 0;
    long rowsRead = 0;
    Phases phases = Phases.NONE;
    Function<Table, ResolutionPlan> next = planner;
    for (int attempt = firstAttempt; ; attempt++) {
      long started = System.nanoTime();
      ResolutionPlan plan = next.apply(table);
      long planned = System.nanoTime();
      ResolutionCommitter.@Nullable Committed previous =
          ResolutionCommitter.alreadyCommitted(table, plan);
      if (previous != null) {
        return Outcome.of(previous, attempt - 1, filesRead, rowsRead, phases);
      }
      if (plan.isEmpty()) {
        return new Outcome(-1L, 0, 0, attempt - 1, filesRead, rowsRead, phases);
      }
      Deletions deletions = deletions(table, keys, plan);
      filesRead += deletions.existingFilesRead();
      rowsRead += deletions.existingRowsRead();
      long scanned = System.nanoTime();
      ResolutionCommitter.@Nullable Committed committed = null;
      @Nullable RuntimeException conflict = null;
      try {
        committed =
            ResolutionCommitter.commit(
                table, plan, deletions.deletes().positionsByFile(), validation.conflictFilter());
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
      if (committed != null) {
        return Outcome.of(committed, attempt, filesRead, rowsRead, phases);
      }
      RuntimeException failure = Objects.requireNonNull(conflict);
      if (!validation.retries()) {
        throw failure;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new IllegalStateException(
            "resolving merge keys of "
                + table.name()
                + " conflicted with other commits "
                + attempt
                + " times",
            failure);
      }
      LOG.info(
          "Resolving {} conflicted with a concurrent commit ({}); recomputing",
          table.name(),
          failure.getMessage());
      table.refresh();
      next = t -> plan.replan(t, keys);
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
}

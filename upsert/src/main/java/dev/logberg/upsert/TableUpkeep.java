package dev.logberg.upsert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table upkeep on Iceberg's core API, in the calling process (so it works beside every runner):
 * data manifests clustered by partition (so that planning a batch reads the manifests of its
 * partitions, not the table's: {@link ManifestClustering}), compaction of small files and of files
 * with deletes (deletes applied, equality deletes included: {@link Compaction} and its {@link
 * CompactionRewriter}), expiry of old snapshots ({@link SnapshotExpiry}), removal of orphan files
 * ({@link OrphanFiles}). This class is the front door: the options, the order of the steps, the
 * report, and whether upkeep after a run is due. See docs/UPKEEP.md for the defaults and the
 * guarantees.
 */
public final class TableUpkeep {
  private static final Logger LOG = LoggerFactory.getLogger(TableUpkeep.class);
  private static final long MIB = 1024L * 1024;

  /** What upkeep does; {@link #defaults()} documents the defaults (docs/UPKEEP.md). */
  public record Options(
      long targetFileBytes,
      long smallFileBytes,
      int minInputFiles,
      int commitAttempts,
      Duration snapshotRetention,
      int minSnapshotsToKeep,
      Duration orphanGracePeriod,
      int manifestGroups,
      boolean compact,
      boolean clusterManifests,
      boolean expireSnapshots,
      boolean removeOrphans) {

    /**
     * 128 MiB files, small below 32 MiB, 5 small files per partition, 3 attempts, 7 days / 10
     * snapshots, 3 days, data manifests clustered into at most 32 runs of partitions.
     */
    public static Options defaults() {
      return new Options(
          128 * MIB,
          32 * MIB,
          5,
          3,
          Duration.ofDays(7),
          10,
          Duration.ofDays(3),
          32,
          true,
          true,
          true,
          true);
    }

    public Options withSmallFileBytes(long bytes) {
      return new Options(
          targetFileBytes,
          bytes,
          minInputFiles,
          commitAttempts,
          snapshotRetention,
          minSnapshotsToKeep,
          orphanGracePeriod,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    public Options withMinInputFiles(int files) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          files,
          commitAttempts,
          snapshotRetention,
          minSnapshotsToKeep,
          orphanGracePeriod,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    public Options withCommitAttempts(int attempts) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          minInputFiles,
          attempts,
          snapshotRetention,
          minSnapshotsToKeep,
          orphanGracePeriod,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    public Options withSnapshotRetention(Duration age, int minSnapshots) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          minInputFiles,
          commitAttempts,
          age,
          minSnapshots,
          orphanGracePeriod,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    public Options withOrphanGracePeriod(Duration grace) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          minInputFiles,
          commitAttempts,
          snapshotRetention,
          minSnapshotsToKeep,
          grace,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    /**
     * At most this many runs of consecutive partitions, each one data manifest once clustered (see
     * {@link ManifestLayout}).
     */
    public Options withManifestGroups(int groups) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          minInputFiles,
          commitAttempts,
          snapshotRetention,
          minSnapshotsToKeep,
          orphanGracePeriod,
          groups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }

    /** Which steps run, in this order. */
    public Options only(
        boolean compact, boolean clusterManifests, boolean expireSnapshots, boolean removeOrphans) {
      return new Options(
          targetFileBytes,
          smallFileBytes,
          minInputFiles,
          commitAttempts,
          snapshotRetention,
          minSnapshotsToKeep,
          orphanGracePeriod,
          manifestGroups,
          compact,
          clusterManifests,
          expireSnapshots,
          removeOrphans);
    }
  }

  /** What one table's upkeep did. */
  public record Report(
      String table,
      int partitionsCompacted,
      int partitionsSkipped,
      int commitConflicts,
      int dataFilesRewritten,
      int dataFilesAdded,
      int deleteFilesRemoved,
      int equalityDeleteFilesRemoved,
      int manifestsRewritten,
      int manifestsCreated,
      int manifestConflicts,
      boolean manifestsSkipped,
      int snapshotsExpired,
      int orphansRemoved) {

    /** One line, as the {@code upkeep} command prints it. */
    public String line() {
      String conflicts =
          manifestConflicts == 0
              ? ""
              : String.format(
                  " (%d conflicts retried%s)",
                  manifestConflicts, manifestsSkipped ? ", then skipped" : "");
      return String.format(
          "%s: compacted %d partitions (%d conflicts retried, %d partitions skipped): %d data files rewritten into %d, "
              + "%d delete files removed (%d equality); %d data manifests clustered by partition into %d%s; "
              + "%d snapshots expired; %d orphan files removed",
          table,
          partitionsCompacted,
          commitConflicts,
          partitionsSkipped,
          dataFilesRewritten,
          dataFilesAdded,
          deleteFilesRemoved,
          equalityDeleteFilesRemoved,
          manifestsRewritten,
          manifestsCreated,
          conflicts,
          snapshotsExpired,
          orphansRemoved);
    }
  }

  private final Options options;
  private final LongSupplier clock;

  public TableUpkeep(Options options) {
    this(options, System::currentTimeMillis);
  }

  TableUpkeep(Options options, LongSupplier clock) {
    this.options = options;
    this.clock = clock;
  }

  /** Runs upkeep on each table of the catalog, in order. */
  public List<Report> run(CatalogSpec catalog, List<TableIdentifier> tables) {
    return catalog.apply(
        (Catalog c) -> {
          List<Report> reports = new ArrayList<>();
          for (TableIdentifier id : tables) {
            reports.add(run(c.loadTable(id)));
          }
          return reports;
        });
  }

  /** Runs the steps the options turn on, in the order of {@link Options#only}, on one table. */
  public Report run(Table table) {
    // Manifests first: the empty data file their transaction ends with joins a partition that
    // compaction then rewrites, and compaction's commits add single-partition manifests only.
    ManifestClustering.Result manifests =
        options.clusterManifests()
            ? new ManifestClustering(options, null).run(table)
            : ManifestClustering.Result.NONE;
    Compaction.Result compaction =
        options.compact() ? new Compaction(options, null).run(table) : Compaction.Result.NONE;
    int expired =
        options.expireSnapshots()
            ? SnapshotExpiry.run(
                table, clock.getAsLong(), options.snapshotRetention(), options.minSnapshotsToKeep())
            : 0;
    int orphans =
        options.removeOrphans()
            ? OrphanFiles.remove(table, clock.getAsLong() - options.orphanGracePeriod().toMillis())
            : 0;
    Report report =
        new Report(
            table.name(),
            compaction.partitionsCompacted(),
            compaction.partitionsSkipped(),
            compaction.conflicts(),
            compaction.dataFilesRewritten(),
            compaction.dataFilesAdded(),
            compaction.deleteFilesRemoved(),
            compaction.equalityDeleteFilesRemoved(),
            manifests.manifestsRewritten(),
            manifests.manifestsCreated(),
            manifests.conflicts(),
            manifests.skipped(),
            expired,
            orphans);
    LOG.info("Upkeep {}", report.line());
    return report;
  }

  /** Delete files (a deletion vector counted once) past which upkeep after a run is due. */
  public static final int DUE_DELETE_FILES = 10;

  /** Small or empty data files past which upkeep after a run is due. */
  public static final int DUE_SMALL_FILES = 20;

  /**
   * Whether upkeep after a run is worth its cost: at least {@link #DUE_DELETE_FILES} live delete
   * files, or {@link #DUE_SMALL_FILES} small or empty data files, or a snapshot expiry would expire
   * something.
   */
  public boolean isDue(Table table) {
    Compaction.Plan plan = Compaction.plan(table);
    if (plan == null) {
      return false;
    }
    Set<String> deletes = new HashSet<>();
    int small = 0;
    for (CompactionPlanner.LiveFile f : plan.live) {
      deletes.addAll(f.deletes());
      if (f.recordCount() == 0 || f.sizeBytes() < options.smallFileBytes()) {
        small++;
      }
    }
    List<Long> times = new ArrayList<>();
    table.snapshots().forEach(s -> times.add(s.timestampMillis()));
    long cutoff = clock.getAsLong() - options.snapshotRetention().toMillis();
    return due(
        deletes.size(),
        small,
        times,
        cutoff,
        options.minSnapshotsToKeep(),
        DUE_DELETE_FILES,
        DUE_SMALL_FILES);
  }

  /** The decision of {@link #isDue}: pure, for tests. */
  static boolean due(
      int deleteFiles,
      int smallFiles,
      List<Long> snapshotTimes,
      long expireBefore,
      int keepLast,
      int dueDeleteFiles,
      int dueSmallFiles) {
    List<Long> sorted = new ArrayList<>(snapshotTimes);
    sorted.sort(Comparator.reverseOrder());
    boolean expirable = sorted.stream().skip(Math.max(1, keepLast)).anyMatch(t -> t < expireBefore);
    return deleteFiles >= dueDeleteFiles || smallFiles >= dueSmallFiles || expirable;
  }
}

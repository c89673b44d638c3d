package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.util.PropertyUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upkeep's manifest clustering: the data manifests rewritten so that each covers a run of
 * consecutive partitions ({@link ManifestLayout} decides when and how), so that planning a batch
 * reads the manifests of its partitions, not the table's.
 */
final class ManifestClustering {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestClustering.class);

  /**
   * Summary value of the manifest rewrite's snapshot ({@link
   * ResolutionCommitter#OPERATION_PROPERTY}); the empty file's snapshot after it says {@code
   * upkeep}, as compaction's do.
   */
  static final String CLUSTER_MANIFESTS_OPERATION = "upkeep-manifests";

  /** The columns of a manifest entry the manifest step reads. */
  private static final List<String> MANIFEST_COLUMNS =
      List.of("file_path", "file_format", "partition", "record_count", "file_size_in_bytes");

  /** The data manifests of one snapshot, as the manifest step reads them. */
  private static final class ManifestScan {
    final long snapshotId;
    final List<ManifestLayout.Manifest> manifests = new ArrayList<>();
    final Set<String> paths = new HashSet<>();

    /** One live data file of each partition: its spec and partition tuple. */
    final Map<String, DataFile> partitions = new HashMap<>();

    /** Per partition, its small or empty data files: compaction candidates. */
    final Map<String, Integer> candidates = new HashMap<>();

    /** Every partition with a live data file, in partition order (spec by spec). */
    final List<String> ordered = new ArrayList<>();

    @Nullable DataFile emptyFile;

    ManifestScan(long snapshotId) {
      this.snapshotId = snapshotId;
    }

    DataFile file(String partition) {
      return Objects.requireNonNull(
          partitions.get(partition), () -> "partition not scanned: " + partition);
    }
  }

  /** What manifest clustering did to one table. */
  record Result(int manifestsRewritten, int manifestsCreated, int conflicts, boolean skipped) {
    static final Result NONE = new Result(0, 0, 0, false);
  }

  /** The manifests a committed rewrite replaced and wrote. */
  private record Rewrite(int replaced, int created) {}

  private final TableUpkeep.Options options;

  /** Tests: runs between preparing the manifest rewrite and committing it (first attempt only). */
  private final @Nullable Consumer<Table> beforeCommit;

  ManifestClustering(TableUpkeep.Options options, @Nullable Consumer<Table> beforeCommit) {
    this.options = options;
    this.beforeCommit = beforeCommit;
  }

  /**
   * Rewrites the data manifests clustered by partition when {@link ManifestLayout} finds it due;
   * retried on a conflicting commit like compaction, then skipped.
   */
  Result run(Table table) {
    int attempts = Math.max(1, options.commitAttempts());
    int conflicts = 0;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      table.refresh();
      Snapshot current = table.currentSnapshot();
      if (current == null) {
        return new Result(0, 0, conflicts, false);
      }
      ManifestScan scan = scanManifests(table, current);
      ManifestLayout.Decision decision =
          ManifestLayout.decide(
              scan.ordered,
              scan.manifests,
              manifestGroups(table),
              PropertyUtil.propertyAsLong(
                  table.properties(),
                  TableProperties.MANIFEST_TARGET_SIZE_BYTES,
                  TableProperties.MANIFEST_TARGET_SIZE_BYTES_DEFAULT),
              maxManifestBytes(table));
      if (!decision.rewrite()) {
        if (decision.reason() != null) {
          LOG.info("Manifests of {} left as they are: {}", table.name(), decision.reason());
        }
        return new Result(0, 0, conflicts, false);
      }
      LOG.info(
          "Clustering the data manifests of {} by partition ({} per manifest): {}",
          table.name(),
          decision.partitionsPerManifest(),
          decision.reason());
      try {
        Rewrite rewrite =
            commitClustered(table, scan, decision, attempt == 1 ? beforeCommit : null);
        return new Result(rewrite.replaced(), rewrite.created(), conflicts, false);
      } catch (ValidationException | CommitFailedException e) {
        LOG.info(
            "Manifest clustering of {} conflicted with a concurrent commit (attempt {}): {}",
            table.name(),
            attempt,
            e.getMessage());
        conflicts++;
      }
    }
    LOG.warn(
        "Manifest clustering of {} skipped after {} conflicting attempts", table.name(), attempts);
    return new Result(0, 0, conflicts, true);
  }

  /**
   * Runs of partitions per clustered table: the option, but with Iceberg's manifest merging on at
   * most a third of its {@code commit.manifest.min-count-to-merge}, so that the commits until the
   * next upkeep add manifests without reaching it.
   */
  private int manifestGroups(Table table) {
    int groups = Math.max(1, options.manifestGroups());
    if (mergesManifests(table)) {
      int minCount =
          PropertyUtil.propertyAsInt(
              table.properties(),
              TableProperties.MANIFEST_MIN_MERGE_COUNT,
              TableProperties.MANIFEST_MIN_MERGE_COUNT_DEFAULT);
      groups = Math.min(groups, Math.max(1, minCount / 3));
    }
    return groups;
  }

  /**
   * With Iceberg's manifest merging on, half its target manifest size: beyond it the next commit's
   * merge packs small manifests together again (their bins would not hold the new manifest).
   */
  private static long maxManifestBytes(Table table) {
    if (!mergesManifests(table)) {
      return Long.MAX_VALUE;
    }
    return PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.MANIFEST_TARGET_SIZE_BYTES,
            TableProperties.MANIFEST_TARGET_SIZE_BYTES_DEFAULT)
        / 2;
  }

  private static boolean mergesManifests(Table table) {
    return PropertyUtil.propertyAsBoolean(
        table.properties(),
        TableProperties.MANIFEST_MERGE_ENABLED,
        TableProperties.MANIFEST_MERGE_ENABLED_DEFAULT);
  }

  /**
   * Reads the live entries of the snapshot's data manifests (path, partition, rows, size): the
   * partitions each covers, and of the table's partitions their order and whether they hold a
   * compaction candidate.
   */
  private ManifestScan scanManifests(Table table, Snapshot snapshot) {
    ManifestScan scan = new ManifestScan(snapshot.snapshotId());
    Map<Integer, PartitionSpec> specs = table.specs();
    for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
      scan.paths.add(manifest.path());
      Set<String> partitions = new HashSet<>();
      try (ManifestReader<DataFile> reader =
          ManifestFiles.read(manifest, table.io(), specs).select(MANIFEST_COLUMNS)) {
        for (DataFile file : reader) {
          String key = Compaction.partitionKey(spec(specs, file.specId()), file.partition());
          partitions.add(key);
          scan.partitions.putIfAbsent(key, file);
          if (file.recordCount() == 0 || file.fileSizeInBytes() < options.smallFileBytes()) {
            scan.candidates.merge(key, 1, Integer::sum);
          }
          if (file.recordCount() == 0 && scan.emptyFile == null) {
            scan.emptyFile = file;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      scan.manifests.add(
          new ManifestLayout.Manifest(manifest.path(), manifest.length(), partitions));
    }
    Map<Integer, List<DataFile>> bySpec = new TreeMap<>();
    scan.partitions
        .values()
        .forEach(f -> bySpec.computeIfAbsent(f.specId(), id -> new ArrayList<>()).add(f));
    bySpec.forEach(
        (specId, files) -> {
          PartitionSpec spec = spec(specs, specId);
          Comparator<StructLike> order = Comparators.forType(spec.partitionType());
          files.sort((a, b) -> order.compare(a.partition(), b.partition()));
          files.forEach(f -> scan.ordered.add(Compaction.partitionKey(spec, f.partition())));
        });
    return scan;
  }

  private static PartitionSpec spec(Map<Integer, PartitionSpec> specs, int specId) {
    return Objects.requireNonNull(specs.get(specId), () -> "unknown partition spec " + specId);
  }

  /**
   * One transaction: the rewrite of the scanned data manifests, clustered by the decision's runs of
   * partitions, then a snapshot that adds an empty data file. Beam's Managed write fails after a
   * snapshot that added no data file (apache/beam issue 37199, see EmptyDataFile), and a manifest
   * rewrite adds none; in one transaction no run ever sees the rewrite as the current snapshot.
   *
   * <p>Where the empty file goes: with compaction on, into a partition with compaction candidates
   * (one that compaction rewrites anyway if there is one), so that compaction, which runs next,
   * removes it again with that partition's small files. Else it replaces an empty file the table
   * already has (their number stays), else it goes into the last partition in partition order.
   *
   * <p>Returns the number of manifests the rewrite replaced and the number it wrote.
   */
  private Rewrite commitClustered(
      Table table,
      ManifestScan scan,
      ManifestLayout.Decision decision,
      @Nullable Consumer<Table> hook) {
    Map<Integer, PartitionSpec> specs = table.specs();
    String compacted = options.compact() ? partitionWithCandidates(scan) : null;
    DataFile replaced = compacted == null ? scan.emptyFile : null;
    DataFile anchor;
    if (compacted != null) {
      anchor = scan.file(compacted);
    } else if (replaced != null) {
      anchor = replaced;
    } else {
      anchor = scan.file(scan.ordered.get(scan.ordered.size() - 1));
    }
    PartitionSpec anchorSpec = spec(specs, anchor.specId());
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId("upkeep-" + UUID.randomUUID())
            .build();
    DataFile empty = EmptyDataFile.write(table, outputs, anchorSpec, anchor.partition());
    try {
      Transaction transaction = table.newTransaction();
      transaction
          .rewriteManifests()
          .rewriteIf(manifest -> scan.paths.contains(manifest.path()))
          .clusterBy(
              file -> {
                PartitionSpec spec = specs.get(file.specId());
                return spec == null
                    ? "spec " + file.specId()
                    : decision.clusterOf(Compaction.partitionKey(spec, file.partition()));
              })
          .set(ResolutionCommitter.OPERATION_PROPERTY, CLUSTER_MANIFESTS_OPERATION)
          .commit();
      if (replaced != null) {
        transaction
            .newRewrite()
            .validateFromSnapshot(scan.snapshotId)
            .deleteFile(replaced)
            .addFile(empty)
            .set(ResolutionCommitter.OPERATION_PROPERTY, "upkeep")
            .commit();
      } else {
        transaction
            .newFastAppend()
            .appendFile(empty)
            .set(ResolutionCommitter.OPERATION_PROPERTY, "upkeep")
            .commit();
      }
      if (hook != null) {
        hook.accept(table);
      }
      transaction.commitTransaction();
    } catch (RuntimeException e) {
      try {
        table.io().deleteFile(empty.location());
      } catch (RuntimeException cleanup) {
        LOG.debug("Removing uncommitted {} failed", empty.location(), cleanup);
      }
      throw e;
    }
    table.refresh();
    // The rewrite's own summary says how many manifests it replaced and wrote (after any retry).
    Snapshot snapshot = table.currentSnapshot();
    for (int i = 0; snapshot != null && i < 10; i++) {
      Map<String, String> summary = snapshot.summary();
      if (CLUSTER_MANIFESTS_OPERATION.equals(summary.get(ResolutionCommitter.OPERATION_PROPERTY))) {
        return new Rewrite(
            Integer.parseInt(summary.getOrDefault(SnapshotSummary.REPLACED_MANIFESTS_COUNT, "0")),
            Integer.parseInt(summary.getOrDefault(SnapshotSummary.CREATED_MANIFESTS_COUNT, "0")));
      }
      Long parent = snapshot.parentId();
      snapshot = parent == null ? null : table.snapshot(parent);
    }
    return new Rewrite(0, 0);
  }

  /**
   * The last partition, in partition order, with at least {@code minInputFiles} compaction
   * candidates (compaction rewrites it anyway), else the last with any; null if none has one.
   */
  private @Nullable String partitionWithCandidates(ManifestScan scan) {
    String any = null;
    for (int i = scan.ordered.size() - 1; i >= 0; i--) {
      int n = scan.candidates.getOrDefault(scan.ordered.get(i), 0);
      if (n >= options.minInputFiles()) {
        return scan.ordered.get(i);
      }
      if (n > 0 && any == null) {
        any = scan.ordered.get(i);
      }
    }
    return any;
  }
}

package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.avro.PlannedDataReader;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table upkeep on Iceberg's core API, in the calling process (so it works beside every runner):
 * compaction of small files and of files with deletes (deletes applied, equality deletes included),
 * data manifests clustered by partition (so that planning a batch reads the manifests of its
 * partitions, not the table's), expiry of old snapshots, removal of orphan files. See
 * docs/UPKEEP.md for the defaults and the guarantees.
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

  /**
   * Tests: runs between writing a partition's new files and committing them (first attempt only).
   */
  private @Nullable Consumer<Table> beforeCommit;

  public TableUpkeep(Options options) {
    this(options, System::currentTimeMillis);
  }

  TableUpkeep(Options options, LongSupplier clock) {
    this.options = options;
    this.clock = clock;
  }

  TableUpkeep beforeCommit(Consumer<Table> hook) {
    this.beforeCommit = hook;
    return this;
  }

  /** Tests: runs between preparing the manifest rewrite and committing it (first attempt only). */
  private @Nullable Consumer<Table> beforeManifestCommit;

  TableUpkeep beforeManifestCommit(Consumer<Table> hook) {
    this.beforeManifestCommit = hook;
    return this;
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

  public Report run(Table table) {
    Counts counts = new Counts();
    // Manifests first: the empty data file their transaction ends with joins a partition that
    // compaction then rewrites, and compaction's commits add single-partition manifests only.
    if (options.clusterManifests()) {
      clusterManifests(table, counts);
    }
    if (options.compact()) {
      compact(table, counts);
    }
    if (options.expireSnapshots()) {
      counts.snapshotsExpired = expireSnapshots(table);
    }
    if (options.removeOrphans()) {
      counts.orphansRemoved = removeOrphans(table);
    }
    Report report =
        new Report(
            table.name(),
            counts.partitionsCompacted,
            counts.partitionsSkipped,
            counts.conflicts,
            counts.rewritten,
            counts.added,
            counts.deletesRemoved,
            counts.equalityDeletesRemoved,
            counts.manifestsRewritten,
            counts.manifestsCreated,
            counts.manifestConflicts,
            counts.manifestsSkipped,
            counts.snapshotsExpired,
            counts.orphansRemoved);
    LOG.info("Upkeep {}", report.line());
    return report;
  }

  private static final class Counts {
    int partitionsCompacted;
    int partitionsSkipped;
    int conflicts;
    int rewritten;
    int added;
    int deletesRemoved;
    int equalityDeletesRemoved;
    int manifestsRewritten;
    int manifestsCreated;
    int manifestConflicts;
    boolean manifestsSkipped;
    int snapshotsExpired;
    int orphansRemoved;
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
    table.refresh();
    Plan plan = plan(table);
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

  // ---------------------------------------------------------------------------------------------------------------
  // Compaction

  /** The live files of one snapshot: the planner's view plus the Iceberg objects behind it. */
  private static final class Plan {
    final long snapshotId;
    final long sequenceNumber;
    final Map<String, FileScanTask> tasks = new LinkedHashMap<>();
    final Map<String, DeleteFile> deletes = new HashMap<>();
    final List<CompactionPlanner.LiveFile> live = new ArrayList<>();

    Plan(long snapshotId, long sequenceNumber) {
      this.snapshotId = snapshotId;
      this.sequenceNumber = sequenceNumber;
    }

    /** The scan task of a live data file of this plan (the planner only groups planned files). */
    FileScanTask task(String location) {
      return Objects.requireNonNull(
          tasks.get(location), () -> "data file not planned: " + location);
    }
  }

  private @Nullable Plan plan(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return null;
    }
    Plan plan = new Plan(current.snapshotId(), current.sequenceNumber());
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(plan.snapshotId).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        Set<String> deletes = new TreeSet<>();
        for (DeleteFile d : task.deletes()) {
          deletes.add(deleteKey(d));
          plan.deletes.put(deleteKey(d), d);
        }
        plan.tasks.put(file.location(), task);
        plan.live.add(
            new CompactionPlanner.LiveFile(
                file.location(),
                file.fileSizeInBytes(),
                file.recordCount(),
                partitionKey(task),
                deletes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return plan;
  }

  /** A deletion vector shares its Puffin file with others: the blob offset tells them apart. */
  private static String deleteKey(DeleteFile d) {
    return d.location() + (d.contentOffset() != null ? "#" + d.contentOffset() : "");
  }

  private static String partitionKey(FileScanTask task) {
    return partitionKey(task.spec(), task.file().partition());
  }

  /** A partition as one string: spec id and partition path. */
  private static String partitionKey(PartitionSpec spec, StructLike partition) {
    return spec.specId() + "/" + (spec.isUnpartitioned() ? "" : spec.partitionToPath(partition));
  }

  private void compact(Table table, Counts counts) {
    Plan plan = plan(table);
    if (plan == null) {
      return;
    }
    List<CompactionPlanner.Group> groups =
        CompactionPlanner.plan(plan.live, options.smallFileBytes(), options.minInputFiles());
    // Groups that keep rows commit last: a commit that adds no data file must not be the table's
    // current snapshot when a Beam append follows (apache/beam issue 37199, see EmptyDataFile).
    List<String> partitions = new ArrayList<>();
    groups.stream()
        .sorted(
            Comparator.comparingLong(
                g -> g.files().stream().mapToLong(f -> f.recordCount()).sum() > 0 ? 1 : 0))
        .forEach(g -> partitions.add(g.partition()));
    for (int i = 0; i < partitions.size(); i++) {
      String partition = partitions.get(i);
      boolean last = i == partitions.size() - 1;
      boolean done = false;
      for (int attempt = 1; attempt <= Math.max(1, options.commitAttempts()) && !done; attempt++) {
        CompactionPlanner.Group group =
            CompactionPlanner.plan(plan.live, options.smallFileBytes(), options.minInputFiles())
                .stream()
                .filter(g -> g.partition().equals(partition))
                .findFirst()
                .orElse(null);
        if (group == null) {
          done = true; // after a re-plan, nothing is left to do here
          break;
        }
        try {
          rewrite(table, plan, group, last, attempt == 1 ? beforeCommit : null, counts);
          counts.partitionsCompacted++;
          done = true;
        } catch (ValidationException | CommitFailedException e) {
          LOG.info(
              "Compaction of {} partition {} conflicted with a concurrent commit (attempt {}): {}",
              table.name(),
              partition,
              attempt,
              e.getMessage());
          counts.conflicts++;
          Plan replanned = plan(table);
          if (replanned == null) {
            return; // the table has no snapshot left to compact
          }
          plan = replanned;
        }
      }
      if (!done) {
        counts.partitionsSkipped++;
        LOG.warn(
            "Compaction of {} partition {} skipped after {} conflicting attempts",
            table.name(),
            partition,
            options.commitAttempts());
      }
    }
  }

  private void rewrite(
      Table table,
      Plan plan,
      CompactionPlanner.Group group,
      boolean last,
      @Nullable Consumer<Table> hook,
      Counts counts) {
    FileScanTask first = plan.task(group.files().get(0).location());
    PartitionSpec spec = first.spec();
    StructLike partition = first.file().partition();
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(writeFormat(table))
            .operationId("upkeep-" + UUID.randomUUID())
            .build();
    List<DataFile> added = new ArrayList<>();
    try {
      writeLiveRows(table, plan, group, spec, partition, outputs, added);
      if (added.isEmpty() && last) {
        added.add(EmptyDataFile.write(table, outputs, spec, partition));
      }
      // The new files keep the planned snapshot's sequence number (as Spark's rewrite does by
      // default): rows appended after the plan stay newer for the resolver's tie-break, and
      // equality
      // deletes committed concurrently still apply to the rewritten rows. Position deletes or
      // vectors
      // added concurrently to a replaced file fail validation.
      RewriteFiles rewrite =
          table
              .newRewrite()
              .validateFromSnapshot(plan.snapshotId)
              .dataSequenceNumber(plan.sequenceNumber);
      group.files().forEach(f -> rewrite.deleteFile(plan.task(f.location()).file()));
      added.forEach(rewrite::addFile);
      Set<String> removedPaths = new HashSet<>();
      int equality = 0;
      for (String key : group.removableDeletes()) {
        DeleteFile d =
            Objects.requireNonNull(plan.deletes.get(key), () -> "delete file not planned: " + key);
        rewrite.deleteFile(d);
        removedPaths.add(key);
        if (d.content() == FileContent.EQUALITY_DELETES) {
          equality++;
        }
      }
      rewrite.set(ResolutionCommitter.OPERATION_PROPERTY, "upkeep");
      if (hook != null) {
        hook.accept(table);
      }
      rewrite.commit();
      counts.rewritten += group.files().size();
      counts.added += (int) added.stream().filter(f -> f.recordCount() > 0).count();
      counts.deletesRemoved += removedPaths.size();
      counts.equalityDeletesRemoved += equality;
    } catch (RuntimeException e) {
      // Nothing references the new files: remove them before re-planning or giving up.
      for (DataFile f : added) {
        try {
          table.io().deleteFile(f.location());
        } catch (RuntimeException cleanup) {
          LOG.debug("Removing uncommitted {} failed", f.location(), cleanup);
        }
      }
      throw e;
    }
  }

  private static FileFormat writeFormat(Table table) {
    return FileFormat.fromString(
        table
            .properties()
            .getOrDefault(
                TableProperties.DEFAULT_FILE_FORMAT, TableProperties.DEFAULT_FILE_FORMAT_DEFAULT));
  }

  /**
   * Reads the live rows of the group's files (their deletes applied) and writes them into files of
   * the target size.
   */
  private void writeLiveRows(
      Table table,
      Plan plan,
      CompactionPlanner.Group group,
      PartitionSpec spec,
      StructLike partition,
      OutputFileFactory outputs,
      List<DataFile> added) {
    GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), spec);
    appenders.setAll(
        table.properties()); // codec, row-group size: what the table asks its writers for
    StructLike writePartition = spec.isUnpartitioned() ? null : partition;
    DataWriter<Record> writer = null;
    try {
      for (CompactionPlanner.LiveFile f : group.files()) {
        if (f.recordCount() == 0) {
          continue;
        }
        try (CloseableIterable<Record> rows = liveRows(table, plan.task(f.location()))) {
          long n = 0;
          for (Record r : rows) {
            if (writer == null) {
              writer =
                  appenders.newDataWriter(
                      ResolutionCommitter.newOutputFile(outputs, spec, partition),
                      writeFormat(table),
                      writePartition);
            }
            writer.write(r);
            if (++n % 1000 == 0 && writer.length() >= options.targetFileBytes()) {
              writer.close();
              added.add(writer.toDataFile());
              writer = null;
            }
          }
        }
      }
      if (writer != null) {
        writer.close();
        added.add(writer.toDataFile());
        writer = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "compacting " + table.name() + " partition " + group.partition(), e);
    } finally {
      if (writer != null) {
        try {
          writer.close();
          added.add(writer.toDataFile()); // deleted again by the caller's clean-up
        } catch (IOException | RuntimeException ignored) {
          LOG.debug("Closing an abandoned writer failed", ignored);
        }
      }
    }
  }

  /**
   * The rows of one data file that its deletes (positions, vectors, equalities) leave live, in the
   * table schema.
   */
  static CloseableIterable<Record> liveRows(Table table, FileScanTask task) {
    GenericDeleteFilter deletes =
        new GenericDeleteFilter(table.io(), task, table.schema(), table.schema());
    org.apache.iceberg.Schema read = deletes.requiredSchema();
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    CloseableIterable<Record> raw;
    switch (task.file().format()) {
      case PARQUET ->
          raw =
              Parquet.read(
                      table
                          .io()
                          .newInputFile(task.file().location(), task.file().fileSizeInBytes()))
                  .project(read)
                  .createReaderFunc(
                      fileSchema -> GenericParquetReaders.buildReader(read, fileSchema, constants))
                  .build();
      case AVRO ->
          raw =
              org.apache.iceberg.avro.Avro.read(
                      table
                          .io()
                          .newInputFile(task.file().location(), task.file().fileSizeInBytes()))
                  .project(read)
                  .createResolvingReader(schema -> PlannedDataReader.create(schema, constants))
                  .build();
      default ->
          throw new UnsupportedOperationException(
              "compaction reads Parquet and Avro, not " + task.file().format());
    }
    Types.StructType target = table.schema().asStruct();
    return CloseableIterable.transform(
        deletes.filter(raw),
        r -> {
          Record out = GenericRecord.create(target);
          for (Types.NestedField field : target.fields()) {
            out.setField(field.name(), r.getField(field.name()));
          }
          return out;
        });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Manifest clustering

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

  /**
   * Rewrites the data manifests clustered by partition when {@link ManifestLayout} finds it due;
   * retried on a conflicting commit like compaction, then skipped.
   */
  private void clusterManifests(Table table, Counts counts) {
    int attempts = Math.max(1, options.commitAttempts());
    for (int attempt = 1; attempt <= attempts; attempt++) {
      table.refresh();
      Snapshot current = table.currentSnapshot();
      if (current == null) {
        return;
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
        return;
      }
      LOG.info(
          "Clustering the data manifests of {} by partition ({} per manifest): {}",
          table.name(),
          decision.partitionsPerManifest(),
          decision.reason());
      try {
        commitClustered(table, scan, decision, attempt == 1 ? beforeManifestCommit : null, counts);
        return;
      } catch (ValidationException | CommitFailedException e) {
        LOG.info(
            "Manifest clustering of {} conflicted with a concurrent commit (attempt {}): {}",
            table.name(),
            attempt,
            e.getMessage());
        counts.manifestConflicts++;
      }
    }
    counts.manifestsSkipped = true;
    LOG.warn(
        "Manifest clustering of {} skipped after {} conflicting attempts", table.name(), attempts);
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
          String key = partitionKey(spec(specs, file.specId()), file.partition());
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
          files.forEach(f -> scan.ordered.add(partitionKey(spec, f.partition())));
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
   */
  private void commitClustered(
      Table table,
      ManifestScan scan,
      ManifestLayout.Decision decision,
      @Nullable Consumer<Table> hook,
      Counts counts) {
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
                    : decision.clusterOf(partitionKey(spec, file.partition()));
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
        counts.manifestsRewritten +=
            Integer.parseInt(summary.getOrDefault(SnapshotSummary.REPLACED_MANIFESTS_COUNT, "0"));
        counts.manifestsCreated +=
            Integer.parseInt(summary.getOrDefault(SnapshotSummary.CREATED_MANIFESTS_COUNT, "0"));
        break;
      }
      Long parent = snapshot.parentId();
      snapshot = parent == null ? null : table.snapshot(parent);
    }
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

  // ---------------------------------------------------------------------------------------------------------------
  // Snapshot expiry

  private int expireSnapshots(Table table) {
    table.refresh();
    int before = size(table.snapshots());
    if (before == 0) {
      return 0;
    }
    table
        .expireSnapshots()
        .expireOlderThan(clock.getAsLong() - options.snapshotRetention().toMillis())
        .retainLast(Math.max(1, options.minSnapshotsToKeep()))
        .cleanExpiredFiles(true)
        .commit();
    table.refresh();
    return before - size(table.snapshots());
  }

  private static int size(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Orphan files

  private int removeOrphans(Table table) {
    if (!(table.io() instanceof SupportsPrefixOperations prefixes)) {
      LOG.info(
          "Orphan removal of {} skipped: its FileIO {} cannot list",
          table.name(),
          table.io().getClass().getName());
      return 0;
    }
    table.refresh();
    // List first, then read what is referenced: a file committed in between is then referenced,
    // never orphaned.
    List<OrphanFiles.Listed> listed = new ArrayList<>();
    for (String prefix : prefixes(table)) {
      for (FileInfo info : prefixes.listPrefix(prefix)) {
        listed.add(new OrphanFiles.Listed(info.location(), info.createdAtMillis()));
      }
    }
    table.refresh();
    Set<String> referenced = referenced(table);
    List<String> orphans =
        OrphanFiles.select(
            listed, referenced, clock.getAsLong() - options.orphanGracePeriod().toMillis());
    for (String orphan : orphans) {
      LOG.info("Removing orphan file {} of {}", orphan, table.name());
      table.io().deleteFile(orphan);
    }
    return orphans.size();
  }

  /**
   * The folders listed: the table's location and any separate data or metadata location, each
   * ending in '/'.
   */
  private static Set<String> prefixes(Table table) {
    Set<String> prefixes = new TreeSet<>();
    prefixes.add(table.location());
    String data = table.properties().get(TableProperties.WRITE_DATA_LOCATION);
    if (data != null) {
      prefixes.add(data);
    }
    String metadata = table.properties().get(TableProperties.WRITE_METADATA_LOCATION);
    if (metadata != null) {
      prefixes.add(metadata);
    }
    Set<String> withSlash = new TreeSet<>();
    prefixes.forEach(p -> withSlash.add(p.endsWith("/") ? p : p + "/"));
    return withSlash;
  }

  /** Every file the table's metadata references, normalized (see {@link OrphanFiles#normalize}). */
  static Set<String> referenced(Table table) {
    Set<String> files = new HashSet<>();
    files.addAll(ReachableFileUtil.metadataFileLocations(table, true));
    files.add(ReachableFileUtil.versionHintLocation(table));
    files.addAll(ReachableFileUtil.statisticsFilesLocations(table));
    for (PartitionStatisticsFile stats : table.partitionStatisticsFiles()) {
      files.add(stats.path());
    }
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        files.add(snapshot.manifestListLocation());
      }
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        try {
          if (manifest.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(manifest, table.io())) {
              paths.forEach(files::add);
            }
          } else {
            try (var reader =
                ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
              for (DeleteFile d : reader) {
                files.add(d.location());
              }
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    files.addAll(manifests);
    Set<String> normalized = new HashSet<>();
    files.forEach(f -> normalized.add(OrphanFiles.normalize(f)));
    return normalized;
  }
}

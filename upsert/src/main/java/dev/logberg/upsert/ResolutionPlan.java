package dev.logberg.upsert;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.BaseFileScanTask;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.ScanTaskParser;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.ResidualEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The files a resolution reads, fixed at one snapshot (the base of its commit).
 *
 * <p>{@code added} files are the batch: all their keys take part. In a publication they are new
 * files, not yet in the table, that its commit adds; after appends they are the files the appends
 * committed; deduplicating a whole table, every live file. {@code existing} files are the other
 * live files that may hold the same keys; files whose bounds for the first key column cannot
 * overlap the batch's are left out. Without key-determined columns partitions are not used to
 * prune, because a key may move between partitions. With them ({@link
 * MergeKeys#keyDeterminedColumns()}), only files whose partition and bounds on those columns can
 * hold a value of some added file are planned ({@link KeyDeterminedFilter}), and each carries the
 * filter so that its scan skips row groups that cannot.
 *
 * @param baseSnapshotId the snapshot the plan was made at, or -1 for a table without one
 * @param appendSnapshotIds {@link Kind#APPENDS}: the appends resolved
 * @param publication {@link Kind#PUBLICATION}: its {@link PublicationToken}
 */
record ResolutionPlan(
    String table,
    long baseSnapshotId,
    Kind kind,
    List<Long> appendSnapshotIds,
    @Nullable String publication,
    List<ScanFile> added,
    List<ScanFile> existing)
    implements Serializable {

  /** What the batch is, which decides how the plan is made again after a conflict. */
  enum Kind {
    /** New files that the resolution's commit adds. */
    PUBLICATION,
    /** Files appends committed before the resolution. */
    APPENDS,
    /** Every live file. */
    WHOLE_TABLE
  }

  public boolean isEmpty() {
    return added.isEmpty();
  }

  public long addedRecords() {
    return added.stream().mapToLong(ScanFile::records).sum();
  }

  /** The files the publication adds, as their scan tasks carry them (with column metrics). */
  List<DataFile> publishedFiles() {
    if (kind != Kind.PUBLICATION) {
      return List.of();
    }
    return added.stream().map(f -> ScanTaskParser.fromJson(f.taskJson(), true).file()).toList();
  }

  /** The same resolution at the table's current snapshot, after a conflicting commit. */
  ResolutionPlan replan(Table table, MergeKeys keys) {
    return switch (kind) {
      case PUBLICATION ->
          forPublication(
              table,
              keys,
              Objects.requireNonNull(publication, "a publication's token"),
              publishedFiles(),
              currentSnapshotId(table));
      case APPENDS -> {
        // Keys committed meanwhile may now have two live rows as well.
        Set<Long> appends = new LinkedHashSet<>(appendSnapshotIds);
        appends.addAll(committedSince(table, baseSnapshotId));
        yield forAppends(table, keys, appends);
      }
      case WHOLE_TABLE -> wholeTable(table, keys);
    };
  }

  /**
   * Publishing the files a staging table holds ({@link StagedFiles}), at the target's current
   * snapshot.
   */
  static ResolutionPlan forStaging(Table target, Table staging, MergeKeys keys) {
    List<DataFile> files = StagedFiles.read(staging, target);
    return forPublication(
        target, keys, StagingTable.tokenOf(staging, files), files, currentSnapshotId(target));
  }

  /**
   * Publishing new files of the table, resolved against its live files at {@code snapshotId} (-1:
   * the table had no snapshot).
   */
  static ResolutionPlan forPublication(
      Table table, MergeKeys keys, String token, List<DataFile> files, long snapshotId) {
    keys.check(table.schema(), table.name());
    if (snapshotId >= 0 && table.snapshot(snapshotId) == null) {
      throw new ValidationException(
          "snapshot %s of %s no longer exists: the decision made at it cannot be validated",
          snapshotId, table.name());
    }
    Set<String> paths = new HashSet<>();
    files.forEach(f -> paths.add(f.location()));
    Expression filter = keyDeterminedFilter(table, keys, files);
    // A file of the batch already live (the plan made again after its publication committed) is
    // the batch's, never its own rival.
    List<FileScanTask> others =
        snapshotId < 0
            ? List.of()
            : live(table, snapshotId, filter).stream()
                .filter(t -> !paths.contains(t.file().location()))
                .toList();
    String schema = SchemaParser.toJson(table.schema());
    List<ScanFile> added = files.stream().map(f -> published(table, schema, f)).toList();
    return new ResolutionPlan(
        table.name(),
        snapshotId,
        Kind.PUBLICATION,
        List.of(),
        token,
        added,
        candidates(table, keys, files, others, filter));
  }

  /** The plan after appends: the files those snapshots added are the new ones. */
  public static ResolutionPlan forAppends(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds) {
    keys.check(table.schema(), table.name());
    Set<String> addedPaths = new HashSet<>();
    List<DataFile> addedFiles = new ArrayList<>();
    for (long id : appendSnapshotIds) {
      Snapshot snapshot = table.snapshot(id);
      if (snapshot == null) {
        throw new IllegalStateException(
            "snapshot " + id + " of " + table.name() + " no longer exists");
      }
      // A snapshot's own manifest entries carry the files' column bounds (a plain scan drops them).
      for (DataFile file : snapshot.addedDataFiles(table.io())) {
        addedPaths.add(file.location());
        addedFiles.add(file);
      }
    }
    List<Long> appends = List.copyOf(appendSnapshotIds);
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return new ResolutionPlan(
          table.name(), -1L, Kind.APPENDS, appends, null, List.of(), List.of());
    }
    // Every added file satisfies the filter built from its own bounds, so only existing files are
    // pruned.
    Expression filter = keyDeterminedFilter(table, keys, addedFiles);
    List<FileScanTask> added = new ArrayList<>();
    List<FileScanTask> others = new ArrayList<>();
    for (FileScanTask task : live(table, base.snapshotId(), filter)) {
      (addedPaths.contains(task.file().location()) ? added : others).add(task);
    }
    return new ResolutionPlan(
        table.name(),
        base.snapshotId(),
        Kind.APPENDS,
        appends,
        null,
        added.stream().map(t -> toScanFile(t, null)).toList(),
        candidates(table, keys, addedFiles, others, filter));
  }

  /** The plan that deduplicates a whole table: every live file takes part with all its keys. */
  public static ResolutionPlan wholeTable(Table table, MergeKeys keys) {
    keys.check(table.schema(), table.name());
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return new ResolutionPlan(
          table.name(), -1L, Kind.WHOLE_TABLE, List.of(), null, List.of(), List.of());
    }
    return new ResolutionPlan(
        table.name(),
        base.snapshotId(),
        Kind.WHOLE_TABLE,
        List.of(),
        null,
        live(table, base.snapshotId(), null).stream().map(t -> toScanFile(t, null)).toList(),
        List.of());
  }

  static long currentSnapshotId(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? -1L : current.snapshotId();
  }

  private static List<Long> committedSince(Table table, long snapshotId) {
    long current = currentSnapshotId(table);
    if (current < 0 || snapshotId < 0) {
      return List.of();
    }
    return SnapshotUtil.snapshotIdsBetween(table, snapshotId, current);
  }

  /** The key-determined filter of a batch, or null when it cannot prune anything. */
  private static @Nullable Expression keyDeterminedFilter(
      Table table, MergeKeys keys, List<DataFile> batch) {
    if (keys.keyDeterminedColumns().isEmpty()) {
      return null;
    }
    Expression filter = KeyDeterminedFilter.of(table.schema(), keys.keyDeterminedColumns(), batch);
    return filter.op() == Expression.Operation.TRUE ? null : filter;
  }

  /** The live files at a snapshot, those that cannot satisfy {@code filter} left out. */
  private static List<FileScanTask> live(
      Table table, long snapshotId, @Nullable Expression filter) {
    TableScan scan = table.newScan().useSnapshot(snapshotId);
    if (filter != null) {
      // Residuals would copy the filter into every task's JSON; the scan of a file applies it to
      // row groups itself.
      scan = scan.filter(filter).ignoreResiduals();
    }
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = scan.planFiles()) {
      planned.forEach(tasks::add);
    } catch (IOException e) {
      throw new UncheckedIOException("planning " + table.name(), e);
    }
    return tasks;
  }

  /** The live files that may hold a key of the batch, each with the row-group filter. */
  private static List<ScanFile> candidates(
      Table table,
      MergeKeys keys,
      List<DataFile> batch,
      List<FileScanTask> others,
      @Nullable Expression rowGroups) {
    Types.NestedField firstKey = table.schema().findField(keys.columns().get(0));
    Bounds bounds = Bounds.of(batch, firstKey);
    return others.stream()
        .filter(t -> bounds.mayOverlap(t.file(), firstKey))
        .map(t -> toScanFile(t, rowGroups))
        .toList();
  }

  /**
   * A new file as a scan task of the table: it has no deletes yet, and it ranks above every live
   * row, as the sequence number its commit gives it will.
   */
  private static ScanFile published(Table table, String schemaJson, DataFile file) {
    PartitionSpec spec = table.specs().get(file.specId());
    if (spec == null) {
      throw new IllegalArgumentException(
          "data file " + file.location() + " has spec " + file.specId() + ", unknown to " + table);
    }
    FileScanTask task =
        new BaseFileScanTask(
            file,
            new DeleteFile[0],
            schemaJson,
            PartitionSpecParser.toJson(spec),
            ResidualEvaluator.unpartitioned(Expressions.alwaysTrue()));
    return new ScanFile(
        file.location(), ScanTaskParser.toJson(task), Long.MAX_VALUE, file.recordCount(), null);
  }

  private static ScanFile toScanFile(FileScanTask task, @Nullable Expression rowGroupFilter) {
    DataFile file = task.file();
    return new ScanFile(
        file.location(),
        ScanTaskParser.toJson(task),
        file.dataSequenceNumber(),
        file.recordCount(),
        rowGroupFilter);
  }

  /** The range of one key column over the batch's files, from the files' column metrics. */
  private record Bounds(@Nullable Object lower, @Nullable Object upper, Comparator<Object> order) {

    static Bounds of(List<DataFile> files, Types.NestedField column) {
      Comparator<Object> order = Comparators.forType(column.type().asPrimitiveType());
      Object lower = null;
      Object upper = null;
      for (DataFile file : files) {
        Object low = value(file.lowerBounds(), column);
        Object high = value(file.upperBounds(), column);
        if (low == null || high == null) {
          return new Bounds(null, null, order); // unknown: nothing can be pruned
        }
        lower = lower == null || order.compare(low, lower) < 0 ? low : lower;
        upper = upper == null || order.compare(high, upper) > 0 ? high : upper;
      }
      return new Bounds(lower, upper, order);
    }

    boolean mayOverlap(DataFile file, Types.NestedField column) {
      if (lower == null) {
        return true;
      }
      Object low = value(file.lowerBounds(), column);
      Object high = value(file.upperBounds(), column);
      return low == null
          || high == null
          || (order.compare(low, upper) <= 0 && order.compare(high, lower) >= 0);
    }

    private static @Nullable Object value(
        java.util.@Nullable Map<Integer, ByteBuffer> bounds, Types.NestedField column) {
      ByteBuffer bytes = bounds == null ? null : bounds.get(column.fieldId());
      return bytes == null ? null : Conversions.fromByteBuffer(column.type(), bytes);
    }
  }
}

package dev.logberg.upsert;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ScanTaskParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The files a resolution reads, fixed at one snapshot (the base of its delete commit).
 *
 * <p>{@code added} files are those the appends committed: all their keys take part. {@code
 * existing} files are the other live files that may hold the same keys; files whose bounds for the
 * first key column cannot overlap the added files' are left out. Without key-determined columns
 * partitions are not used to prune, because a key may move between partitions. With them ({@link
 * MergeKeys#keyDeterminedColumns()}), only files whose partition and bounds on those columns can
 * hold a value of some added file are planned ({@link KeyDeterminedFilter}), and each carries the
 * filter so that its scan skips row groups that cannot.
 *
 * @param baseSnapshotId the snapshot the plan was made at, or -1 for an empty table
 */
record ResolutionPlan(
    String table,
    long baseSnapshotId,
    boolean wholeTable,
    List<Long> appendSnapshotIds,
    List<ScanFile> added,
    List<ScanFile> existing)
    implements Serializable {

  public boolean isEmpty() {
    return added.isEmpty();
  }

  public long addedRecords() {
    return added.stream().mapToLong(ScanFile::records).sum();
  }

  /** The plan after appends: the files those snapshots added are the new ones. */
  public static ResolutionPlan forAppends(
      Table table, MergeKeys keys, Collection<Long> appendSnapshotIds) {
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
    Expression filter =
        keys.keyDeterminedColumns().isEmpty()
            ? null
            : KeyDeterminedFilter.of(table.schema(), keys.keyDeterminedColumns(), addedFiles);
    return plan(table, keys, false, List.copyOf(appendSnapshotIds), addedPaths::contains, filter);
  }

  /** The plan that deduplicates a whole table: every live file takes part with all its keys. */
  public static ResolutionPlan wholeTable(Table table, MergeKeys keys) {
    return plan(table, keys, true, List.of(), path -> true, null);
  }

  private static ResolutionPlan plan(
      Table table,
      MergeKeys keys,
      boolean wholeTable,
      List<Long> appends,
      Predicate<String> isAdded,
      @Nullable Expression keyDetermined) {
    keys.check(table.schema(), table.name());
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return new ResolutionPlan(table.name(), -1L, wholeTable, appends, List.of(), List.of());
    }
    List<FileScanTask> added = new ArrayList<>();
    List<FileScanTask> existing = new ArrayList<>();
    TableScan scan = table.newScan().useSnapshot(base.snapshotId());
    Expression rowGroups = null;
    if (keyDetermined != null && keyDetermined.op() != Expression.Operation.TRUE) {
      // Every added file satisfies the filter built from its own bounds, so only existing files are
      // pruned. Residuals would copy the filter into every task's JSON; the scan of a file applies
      // it to row groups itself.
      scan = scan.filter(keyDetermined).ignoreResiduals();
      rowGroups = keyDetermined;
    }
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask task : tasks) {
        (isAdded.test(task.file().location()) ? added : existing).add(task);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("planning " + table.name(), e);
    }
    Types.NestedField firstKey = table.schema().findField(keys.columns().get(0));
    Bounds bounds = Bounds.of(added, firstKey);
    Expression existingFilter = rowGroups;
    List<ScanFile> candidates =
        existing.stream()
            .filter(t -> bounds.mayOverlap(t.file(), firstKey))
            .map(t -> toScanFile(t, existingFilter))
            .toList();
    return new ResolutionPlan(
        table.name(),
        base.snapshotId(),
        wholeTable,
        appends,
        added.stream().map(t -> toScanFile(t, null)).toList(),
        candidates);
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

  /** The range of one key column over the added files, from the files' column metrics. */
  private record Bounds(@Nullable Object lower, @Nullable Object upper, Comparator<Object> order) {

    static Bounds of(List<FileScanTask> files, Types.NestedField column) {
      Comparator<Object> order = Comparators.forType(column.type().asPrimitiveType());
      Object lower = null;
      Object upper = null;
      for (FileScanTask task : files) {
        Object low = value(task.file().lowerBounds(), column);
        Object high = value(task.file().upperBounds(), column);
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

package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The data files a staging table holds, as data files of its target: each once (a retried Managed
 * commit may add a file again), under the target's spec with the same fields.
 *
 * <p>Every live file of the staging table is taken, not only those of the snapshots Managed's write
 * reported: a staging table serves one write of one run, and Beam's io-iceberg 2.67 reports no
 * snapshot for a retried commit whose files were already committed. (If that was the write's only
 * commit, no snapshot is reported at all and nothing triggers the publication: {@link
 * StagingTable#publishStaged} is what a caller runs before recording anything as landed.)
 */
final class StagedFiles {
  private StagedFiles() {}

  static List<DataFile> read(Table staging, Table target) {
    Map<String, DataFile> files = new LinkedHashMap<>();
    if (staging.currentSnapshot() != null) {
      // Column stats kept: key-determined pruning and the key bounds read them.
      try (CloseableIterable<FileScanTask> tasks =
          staging.newScan().includeColumnStats().planFiles()) {
        tasks.forEach(t -> files.putIfAbsent(t.file().location(), t.file().copy()));
      } catch (IOException e) {
        throw new UncheckedIOException("listing the files of " + staging.name(), e);
      }
    }
    List<DataFile> result = new ArrayList<>(files.size());
    for (DataFile file : files.values()) {
      PartitionSpec staged = Objects.requireNonNull(staging.specs().get(file.specId()));
      result.add(asFileOf(file, targetSpec(target, staged)));
    }
    return result;
  }

  /**
   * The target's spec with the staged spec's fields, preferring its current one. Spec ids differ
   * between the tables (a new table's spec is 0, an evolved target's is not); fields do not.
   */
  private static PartitionSpec targetSpec(Table target, PartitionSpec staged) {
    if (StagingTable.samePartitioning(target.spec(), staged)) {
      return target.spec();
    }
    for (PartitionSpec spec : target.specs().values()) {
      if (StagingTable.samePartitioning(spec, staged)) {
        return spec;
      }
    }
    throw new IllegalStateException(
        "no partition spec of "
            + target.name()
            + " has the staged files' fields "
            + staged.fields()
            + "; its specs: "
            + target.specs().values());
  }

  /**
   * The file under {@code spec}. Built field by field: {@code DataFiles.Builder.copy} refuses a
   * file of another spec id, and would carry the staging table's first row id into the target.
   */
  static DataFile asFileOf(DataFile file, PartitionSpec spec) {
    DataFiles.Builder builder =
        DataFiles.builder(spec)
            .withPath(file.location())
            .withFormat(file.format())
            .withFileSizeInBytes(file.fileSizeInBytes())
            .withMetrics(
                new Metrics(
                    file.recordCount(),
                    file.columnSizes(),
                    file.valueCounts(),
                    file.nullValueCounts(),
                    file.nanValueCounts(),
                    file.lowerBounds(),
                    file.upperBounds()))
            .withSplitOffsets(file.splitOffsets())
            .withEncryptionKeyMetadata(file.keyMetadata());
    if (!spec.isUnpartitioned()) {
      builder.withPartition(file.partition());
    }
    // A staging table is never sorted: its files claim the unsorted order (id 0) or none.
    Integer order = file.sortOrderId();
    if (order != null && order == SortOrder.unsorted().orderId()) {
      builder.withSortOrder(SortOrder.unsorted());
    }
    return builder.build();
  }
}

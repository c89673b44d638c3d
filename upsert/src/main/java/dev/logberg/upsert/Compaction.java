package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upkeep's compaction: the partitions {@link CompactionPlanner} picks (small files, files with
 * deletes) are rewritten one by one by {@link CompactionRewriter}, each commit retried on a
 * conflicting concurrent commit after a fresh plan, then skipped.
 */
final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  /** What compaction did to one table. */
  record Result(
      int partitionsCompacted,
      int partitionsSkipped,
      int conflicts,
      int dataFilesRewritten,
      int dataFilesAdded,
      int deleteFilesRemoved,
      int equalityDeleteFilesRemoved) {
    static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0);
  }

  /** The live files of one snapshot: the planner's view plus the Iceberg objects behind it. */
  static final class Plan {
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

    /** A delete file of this plan by its {@link #deleteKey}. */
    DeleteFile delete(String key) {
      return Objects.requireNonNull(deletes.get(key), () -> "delete file not planned: " + key);
    }
  }

  private final TableUpkeep.Options options;

  /** Tests: runs between writing a partition's new files and committing them (first attempt). */
  private final @Nullable Consumer<Table> beforeCommit;

  Compaction(TableUpkeep.Options options, @Nullable Consumer<Table> beforeCommit) {
    this.options = options;
    this.beforeCommit = beforeCommit;
  }

  /** The live files of the table's current snapshot; null if it has none. */
  static @Nullable Plan plan(Table table) {
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
                partitionKey(task.spec(), file.partition()),
                deletes,
                table.sortOrder().isSorted()
                    && !Integer.valueOf(table.sortOrder().orderId()).equals(file.sortOrderId())));
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

  /** A partition as one string: spec id and partition path. */
  static String partitionKey(PartitionSpec spec, StructLike partition) {
    return spec.specId() + "/" + (spec.isUnpartitioned() ? "" : spec.partitionToPath(partition));
  }

  Result run(Table table) {
    Plan plan = plan(table);
    if (plan == null) {
      return Result.NONE;
    }
    int compacted = 0;
    int skipped = 0;
    int conflicts = 0;
    CompactionRewriter.Rewritten total = CompactionRewriter.Rewritten.NONE;
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
    partitions:
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
          total =
              total.plus(
                  CompactionRewriter.rewrite(
                      table,
                      plan,
                      group,
                      last,
                      attempt == 1 ? beforeCommit : null,
                      options.targetFileBytes()));
          compacted++;
          done = true;
        } catch (ValidationException | CommitFailedException e) {
          LOG.info(
              "Compaction of {} partition {} conflicted with a concurrent commit (attempt {}): {}",
              table.name(),
              partition,
              attempt,
              e.getMessage());
          conflicts++;
          Plan replanned = plan(table);
          if (replanned == null) {
            break partitions; // the table has no snapshot left to compact
          }
          plan = replanned;
        }
      }
      if (!done) {
        skipped++;
        LOG.warn(
            "Compaction of {} partition {} skipped after {} conflicting attempts",
            table.name(),
            partition,
            options.commitAttempts());
      }
    }
    return new Result(
        compacted,
        skipped,
        conflicts,
        total.dataFilesRewritten(),
        total.dataFilesAdded(),
        total.deleteFilesRemoved(),
        total.equalityDeleteFilesRemoved());
  }
}

package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.ContentFileUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one resolution in one catalog commit: the new files of a publication (those with a live
 * row left), and the rows that lost to another with their key deleted by position: position-delete
 * files on format v2 tables (one per data file, naming it, so a reader opens only its own),
 * deletion vectors on v3 (one per data file, merged with the vector it already has).
 *
 * <p>The commit is a RowDelta based on the snapshot the positions were computed at. It fails with
 * Iceberg's {@code ValidationException} if, since then, a referenced data file was removed, or data
 * or deletes were committed that could change the outcome (within the caller's conflict filter);
 * the caller then recomputes from the new snapshot, or gives up.
 *
 * <p>An existing data file left without a live row is removed from the table in the same
 * transaction, with the delete files that apply only to it: readers would otherwise open a file to
 * read nothing, on every scan until compaction. Iceberg 1.9's RowDelta cannot remove a data file,
 * so a RewriteFiles follows it in the transaction; the RowDelta masks those files too, so that each
 * of the two snapshots, read by time travel, holds the whole result.
 */
final class ResolutionCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(ResolutionCommitter.class);

  /**
   * Snapshot summary property naming the operation, so a table's history shows what Logberg
   * committed.
   */
  public static final String OPERATION_PROPERTY = "logberg.operation";

  /** Summary properties with what a commit did, for a retry that finds it committed. */
  private static final String ADDED_ROWS = "logberg.added-rows";

  private static final String DELETED_ROWS = "logberg.deleted-rows";

  private static final long[] NONE = new long[0];

  /**
   * What a commit did.
   *
   * @param snapshotId the table's snapshot after it, or -1 when there was nothing to commit
   * @param addedRows rows of the published files left live
   * @param deletedRows rows that lost to another with their key (of existing and new files)
   */
  record Committed(long snapshotId, long addedRows, long deletedRows) {
    private static Committed of(Snapshot snapshot) {
      return new Committed(
          snapshot.snapshotId(), count(snapshot, ADDED_ROWS), count(snapshot, DELETED_ROWS));
    }

    private static long count(Snapshot snapshot, String property) {
      String value = snapshot.summary().get(property);
      return value == null ? 0 : Long.parseLong(value);
    }
  }

  /** A data file that positions are deleted in, with what its delete files need. */
  private record Referenced(DataFile file, PartitionSpec spec, List<DeleteFile> deletes) {}

  private ResolutionCommitter() {}

  /**
   * The commit of this plan's publication if the table has it already (a retried bundle, or a
   * second worker with the same plan), else null.
   */
  static @Nullable Committed alreadyCommitted(Table table, ResolutionPlan plan) {
    if (plan.publication() == null) {
      return null;
    }
    Snapshot snapshot = PublicationToken.find(table, plan.publication());
    if (snapshot == null) {
      return null;
    }
    LOG.info(
        "Publication {} into {} was committed already (snapshot {})",
        plan.publication(),
        table.name(),
        snapshot.snapshotId());
    return Committed.of(snapshot);
  }

  /**
   * Commits the plan's new files and deletes the given row positions, based on the plan's snapshot.
   *
   * @param positionsByFile row positions to delete, by data file path (existing or new)
   * @param conflictFilter limits the concurrent commits that conflict to those that may touch these
   *     rows; null: any data or deletes committed since
   */
  static Committed commit(
      Table table,
      ResolutionPlan plan,
      Map<String, long[]> positionsByFile,
      @Nullable Expression conflictFilter) {
    long base = plan.baseSnapshotId();
    boolean publication = plan.kind() == ResolutionPlan.Kind.PUBLICATION;
    long deletedRows = positionsByFile.values().stream().mapToLong(p -> p.length).sum();
    Map<String, DataFile> published = new LinkedHashMap<>();
    plan.publishedFiles().forEach(f -> published.put(f.location(), f));
    Map<String, FileScanTask> live =
        positionsByFile.keySet().stream().allMatch(published::containsKey)
            ? Map.of()
            : liveFiles(table, base);

    Map<String, Referenced> referenced = new HashMap<>();
    Map<String, long[]> masked = new TreeMap<>();
    List<FileScanTask> emptied = new ArrayList<>();
    BaseDeleteLoader loader = new BaseDeleteLoader(f -> table.io().newInputFile(f.location()));
    for (Map.Entry<String, long[]> entry : positionsByFile.entrySet()) {
      String path = entry.getKey();
      long[] positions = entry.getValue();
      DataFile file = published.get(path);
      if (file != null) {
        if (positions.length < file.recordCount()) { // a new file whose every row lost is not added
          masked.put(path, positions);
          PartitionSpec spec = Objects.requireNonNull(table.specs().get(file.specId()));
          referenced.put(path, new Referenced(file, spec, List.of()));
        }
        continue;
      }
      FileScanTask task = live.get(path);
      if (task == null) {
        throw new ValidationException("data file %s is not live in snapshot %s", path, base);
      }
      masked.put(path, positions);
      referenced.put(path, new Referenced(task.file(), task.spec(), task.deletes()));
      if (everyRowDeleted(loader, task, positions)) {
        emptied.add(task);
      }
    }
    List<DataFile> added = new ArrayList<>();
    long addedRows = 0;
    for (DataFile file : published.values()) {
      long lost = positionsByFile.getOrDefault(file.location(), NONE).length;
      if (lost < file.recordCount()) {
        added.add(file);
        addedRows += file.recordCount() - lost;
      }
    }
    if (added.isEmpty() && masked.isEmpty()) {
      return new Committed(-1L, 0, deletedRows);
    }

    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId("logberg-" + UUID.randomUUID())
            .ioSupplier(() -> new UniqueOutputFiles(table.io()))
            .build();
    boolean vectors = formatVersion(table) >= 3;
    DeleteWriteResult written =
        masked.isEmpty()
            ? new DeleteWriteResult(List.of())
            : vectors
                ? writeVectors(table, loader, outputs, referenced, masked)
                : writePositionFiles(table, outputs, referenced, masked);
    // Keeps Beam's Managed write working when it appends to this table next (see EmptyDataFile): in
    // the transaction's last snapshot. A publication's target is written through a staging table.
    @Nullable DataFile marker = null;
    if (!publication) {
      Referenced any = Objects.requireNonNull(referenced.get(masked.keySet().iterator().next()));
      marker = EmptyDataFile.write(table, outputs, any.spec(), any.file().partition());
    }
    Map<String, String> summary = new HashMap<>();
    summary.put(ADDED_ROWS, String.valueOf(addedRows));
    summary.put(DELETED_ROWS, String.valueOf(deletedRows));
    if (plan.publication() != null) {
      summary.put(PublicationToken.PROPERTY, plan.publication());
    }

    Transaction transaction = table.newTransaction();
    try {
      RowDelta delta = transaction.newRowDelta();
      added.forEach(delta::addRows);
      written.deleteFiles().forEach(delta::addDeletes);
      written.rewrittenDeleteFiles().forEach(delta::removeDeletes);
      if (base >= 0) {
        delta.validateFromSnapshot(base);
      }
      if (conflictFilter != null) {
        delta.conflictDetectionFilter(conflictFilter);
      }
      delta
          .validateDataFilesExist(existingPaths(masked, published))
          .validateDeletedFiles()
          .validateNoConflictingDataFiles()
          .validateNoConflictingDeleteFiles()
          .set(OPERATION_PROPERTY, publication ? "publish" : "resolve-merge-keys");
      if (emptied.isEmpty()) {
        if (marker != null) {
          delta.addRows(marker);
        }
        summary.forEach(delta::set);
        delta.commit();
      } else {
        delta.commit();
        RewriteFiles removal =
            transaction
                .newRewrite()
                .validateFromSnapshot(transaction.table().currentSnapshot().snapshotId());
        removeEmptied(removal, emptied, written);
        if (marker != null) {
          removal.addFile(marker);
        }
        removal.set(OPERATION_PROPERTY, "remove-fully-deleted-files");
        summary.forEach(removal::set);
        removal.commit();
      }
      transaction.commitTransaction();
    } catch (CommitStateUnknownException e) {
      throw e; // it may have committed: the files must stay
    } catch (RuntimeException e) {
      // Nothing references the files just written: remove them before the caller recomputes. The
      // published files stay: they are the batch, needed again.
      written.deleteFiles().forEach(f -> table.io().deleteFile(f.location()));
      if (marker != null) {
        table.io().deleteFile(marker.location());
      }
      throw e;
    }
    long snapshot = table.currentSnapshot().snapshotId();
    LOG.info(
        "Committed {} new data files ({} rows) and {} {} deleting {} rows in {} data files of {},"
            + " {} of them removed as fully deleted (snapshot {})",
        added.size(),
        addedRows,
        written.deleteFiles().size(),
        vectors ? "deletion vectors" : "position-delete files",
        deletedRows,
        positionsByFile.size(),
        table.name(),
        emptied.size(),
        snapshot);
    return new Committed(snapshot, addedRows, deletedRows);
  }

  /** The masked files that were live at the base snapshot (not the new ones). */
  private static List<String> existingPaths(
      Map<String, long[]> masked, Map<String, DataFile> published) {
    return masked.keySet().stream().filter(p -> !published.containsKey(p)).toList();
  }

  /**
   * Removes the emptied files, each with the delete files that applied to it alone: those it had
   * (except a deletion vector the RowDelta replaced already) and the one the RowDelta just added.
   */
  private static void removeEmptied(
      RewriteFiles removal, List<FileScanTask> emptied, DeleteWriteResult written) {
    Set<String> replaced = new HashSet<>();
    written.rewrittenDeleteFiles().forEach(d -> replaced.add(d.location()));
    Set<String> emptiedPaths = new HashSet<>();
    for (FileScanTask task : emptied) {
      emptiedPaths.add(task.file().location());
      removal.deleteFile(task.file());
      ownDeletes(task).stream()
          .filter(d -> !replaced.contains(d.location()))
          .forEach(removal::deleteFile);
    }
    written.deleteFiles().stream()
        .filter(d -> emptiedPaths.contains(ContentFileUtil.referencedDataFileLocation(d)))
        .forEach(removal::deleteFile);
  }

  /**
   * A new file in the partition's folder. For an unpartitioned table the partition path is empty,
   * and asking for it would give {@code data//file}: harmless on a disk, a different (escaped) key
   * on S3.
   */
  static EncryptedOutputFile newOutputFile(
      OutputFileFactory outputs, PartitionSpec spec, StructLike partition) {
    return spec.isUnpartitioned()
        ? outputs.newOutputFile()
        : outputs.newOutputFile(spec, partition);
  }

  static int formatVersion(Table table) {
    return ((HasTableOperations) table).operations().current().formatVersion();
  }

  private static Map<String, FileScanTask> liveFiles(Table table, long snapshotId) {
    Map<String, FileScanTask> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshotId).planFiles()) {
      tasks.forEach(t -> files.put(t.file().location(), t));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * v2: one position-delete file per data file. It names the one file it applies to, so readers of
   * every other data file in the partition never open it (a partition-wide delete file is read by
   * each of them, on every scan).
   */
  private static DeleteWriteResult writePositionFiles(
      Table table,
      OutputFileFactory outputs,
      Map<String, Referenced> files,
      Map<String, long[]> positionsByFile) {
    List<DeleteFile> written = new ArrayList<>();
    PositionDelete<Record> delete = PositionDelete.create();
    for (Map.Entry<String, long[]> entry : new TreeMap<>(positionsByFile).entrySet()) {
      Referenced file = referenced(files, entry.getKey());
      PartitionSpec spec = file.spec();
      StructLike partition = file.file().partition();
      EncryptedOutputFile out = newOutputFile(outputs, spec, partition);
      PositionDeleteWriter<Record> writer =
          new GenericAppenderFactory(table.schema(), spec)
              .newPosDeleteWriter(out, FileFormat.PARQUET, partition);
      try (writer) {
        long[] positions = entry.getValue().clone();
        Arrays.sort(positions);
        for (long position : positions) {
          writer.write(delete.set(entry.getKey(), position, null));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("writing position deletes for " + table.name(), e);
      }
      written.add(
          FileMetadata.deleteFileBuilder(spec)
              .copy(writer.toDeleteFile())
              .withReferencedDataFile(entry.getKey())
              .build());
    }
    return new DeleteWriteResult(written);
  }

  /**
   * Whether deleting {@code positions} leaves the file without a live row, counting the position
   * deletes and deletion vector it already has. Equality deletes are not counted: a file they
   * emptied is only masked, as before.
   */
  static boolean everyRowDeleted(BaseDeleteLoader loader, FileScanTask task, long[] positions) {
    long records = task.file().recordCount();
    List<DeleteFile> positional =
        task.deletes().stream().filter(d -> d.content() == FileContent.POSITION_DELETES).toList();
    // A delete file's record count bounds what it deletes here: most files keep rows, and need no
    // delete read.
    if (positions.length + positional.stream().mapToLong(DeleteFile::recordCount).sum() < records) {
      return false;
    }
    PositionDeleteIndex previous =
        positional.isEmpty()
            ? null
            : loader.loadPositionDeletes(positional, task.file().location());
    long[] sorted = positions.clone();
    Arrays.sort(sorted);
    for (long position = 0; position < records; position++) {
      if ((previous == null || !previous.isDeleted(position))
          && Arrays.binarySearch(sorted, position) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The delete files that apply to this data file alone, which removing it leaves without a
   * purpose.
   */
  private static List<DeleteFile> ownDeletes(FileScanTask task) {
    String path = task.file().location();
    return task.deletes().stream()
        .filter(d -> d.content() == FileContent.POSITION_DELETES)
        .filter(d -> path.equals(ContentFileUtil.referencedDataFileLocation(d)))
        .toList();
  }

  /** v3: one deletion vector per data file, holding its previous vector's positions too. */
  private static DeleteWriteResult writeVectors(
      Table table,
      BaseDeleteLoader loader,
      OutputFileFactory outputs,
      Map<String, Referenced> files,
      Map<String, long[]> positionsByFile) {
    BaseDVFileWriter writer =
        new BaseDVFileWriter(
            outputs, path -> previousVector(loader, referenced(files, path), path));
    try (writer) {
      for (Map.Entry<String, long[]> entry : positionsByFile.entrySet()) {
        Referenced file = referenced(files, entry.getKey());
        for (long position : entry.getValue()) {
          writer.delete(entry.getKey(), position, file.spec(), file.file().partition());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing deletion vectors for " + table.name(), e);
    }
    return writer.result();
  }

  /** The data file at {@code path}; {@link #commit} has found every path it deletes in. */
  private static Referenced referenced(Map<String, Referenced> files, String path) {
    return Objects.requireNonNull(files.get(path), () -> "data file " + path + " is not known");
  }

  private static @Nullable PositionDeleteIndex previousVector(
      BaseDeleteLoader loader, Referenced file, String path) {
    List<DeleteFile> vectors = file.deletes().stream().filter(ContentFileUtil::isDV).toList();
    return vectors.isEmpty() ? null : loader.loadPositionDeletes(vectors, path);
  }
}

package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
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
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.ContentFileUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows by position in one validated commit: position-delete files on format v2 tables (one
 * per data file, naming it, so a reader opens only its own), deletion vectors on v3 (one per data
 * file, merged with the vector it already has).
 *
 * <p>A data file left without a live row is removed from the table in the same catalog commit
 * instead of being masked, and the delete files that apply only to it (its deletion vector, or
 * position-delete files that name it alone) go with it: readers would otherwise open a file to read
 * nothing, on every scan until compaction.
 *
 * <p>The commit is a RowDelta based on the snapshot the positions were computed at. It fails with
 * Iceberg's {@code ValidationException} if, since then, a referenced data file was removed, or data
 * or deletes were committed that could change the outcome; the caller then recomputes from the new
 * snapshot.
 */
final class DeleteCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(DeleteCommitter.class);

  /**
   * Snapshot summary property naming the operation, so a table's history shows what Logberg
   * committed.
   */
  public static final String OPERATION_PROPERTY = "logberg.operation";

  private DeleteCommitter() {}

  /**
   * Deletes the given row positions in one commit based on {@code baseSnapshotId}.
   *
   * @param positionsByFile row positions to delete, by data file path
   * @return the committed snapshot's id, or -1 when there was nothing to delete
   */
  public static long commit(Table table, long baseSnapshotId, Map<String, long[]> positionsByFile) {
    if (positionsByFile.isEmpty()) {
      return -1L;
    }
    Map<String, FileScanTask> files = liveFiles(table, baseSnapshotId);
    for (String path : positionsByFile.keySet()) {
      if (!files.containsKey(path)) {
        throw new org.apache.iceberg.exceptions.ValidationException(
            "data file %s is not live in snapshot %s", path, baseSnapshotId);
      }
    }
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId("logberg-" + UUID.randomUUID())
            .build();
    boolean vectors = formatVersion(table) >= 3;
    BaseDeleteLoader loader = new BaseDeleteLoader(f -> table.io().newInputFile(f.location()));
    Map<String, long[]> masked = new TreeMap<>();
    List<FileScanTask> emptied = new ArrayList<>();
    positionsByFile.forEach(
        (path, positions) -> {
          FileScanTask task = liveFile(files, path);
          if (everyRowDeleted(loader, task, positions)) {
            emptied.add(task);
          } else {
            masked.put(path, positions);
          }
        });
    DeleteWriteResult written =
        masked.isEmpty()
            ? new DeleteWriteResult(List.of())
            : vectors
                ? writeVectors(table, loader, outputs, files, masked)
                : writePositionFiles(table, outputs, files, masked);

    FileScanTask anyTouched = liveFile(files, positionsByFile.keySet().iterator().next());
    // Keeps Beam's Managed write working after this delete commit: see EmptyDataFile.
    DataFile marker =
        EmptyDataFile.write(table, outputs, anyTouched.spec(), anyTouched.file().partition());
    // Iceberg 1.9's RowDelta cannot remove a data file, so emptied files go in an overwrite
    // committed in the same transaction, before it: one catalog commit, where the overwrite's
    // snapshot is never a table's current state. The row delta comes last because its marker must
    // be in the current snapshot.
    Transaction transaction = table.newTransaction();
    try {
      if (!emptied.isEmpty()) {
        OverwriteFiles removal = transaction.newOverwrite();
        emptied.forEach(task -> removal.deleteFile(task.file()));
        removal
            .validateFromSnapshot(baseSnapshotId)
            .validateNoConflictingData()
            .validateNoConflictingDeletes()
            .set(OPERATION_PROPERTY, "remove-fully-deleted-files")
            .commit();
      }
      RowDelta delta = transaction.newRowDelta().addRows(marker);
      written.deleteFiles().forEach(delta::addDeletes);
      written.rewrittenDeleteFiles().forEach(delta::removeDeletes);
      emptied.forEach(task -> ownDeletes(task).forEach(delta::removeDeletes));
      delta
          .validateFromSnapshot(baseSnapshotId)
          .validateDataFilesExist(masked.keySet())
          .validateDeletedFiles()
          .validateNoConflictingDataFiles()
          .validateNoConflictingDeleteFiles()
          .set(OPERATION_PROPERTY, "resolve-merge-keys")
          .commit();
      transaction.commitTransaction();
    } catch (RuntimeException e) {
      // Nothing references the files just written: remove them before the caller recomputes.
      written.deleteFiles().forEach(f -> table.io().deleteFile(f.location()));
      table.io().deleteFile(marker.location());
      throw e;
    }
    long snapshot = table.currentSnapshot().snapshotId();
    LOG.info(
        "Committed {} {} deleting {} rows in {} data files of {}, {} of them removed as fully deleted (snapshot {})",
        written.deleteFiles().size(),
        vectors ? "deletion vectors" : "position-delete files",
        positionsByFile.values().stream().mapToLong(p -> p.length).sum(),
        positionsByFile.size(),
        table.name(),
        emptied.size(),
        snapshot);
    return snapshot;
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
      Map<String, FileScanTask> files,
      Map<String, long[]> positionsByFile) {
    List<DeleteFile> written = new ArrayList<>();
    PositionDelete<Record> delete = PositionDelete.create();
    for (Map.Entry<String, long[]> entry : new TreeMap<>(positionsByFile).entrySet()) {
      FileScanTask task = liveFile(files, entry.getKey());
      PartitionSpec spec = task.spec();
      StructLike partition = task.file().partition();
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
      Map<String, FileScanTask> files,
      Map<String, long[]> positionsByFile) {
    BaseDVFileWriter writer =
        new BaseDVFileWriter(outputs, path -> previousVector(loader, liveFile(files, path), path));
    try (writer) {
      for (Map.Entry<String, long[]> entry : positionsByFile.entrySet()) {
        FileScanTask task = liveFile(files, entry.getKey());
        for (long position : entry.getValue()) {
          writer.delete(entry.getKey(), position, task.spec(), task.file().partition());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing deletion vectors for " + table.name(), e);
    }
    return writer.result();
  }

  /** The live data file at {@code path}; {@link #commit} has checked that every path is live. */
  private static FileScanTask liveFile(Map<String, FileScanTask> files, String path) {
    return Objects.requireNonNull(files.get(path), () -> "data file " + path + " is not live");
  }

  private static @Nullable PositionDeleteIndex previousVector(
      BaseDeleteLoader loader, FileScanTask task, String path) {
    List<DeleteFile> vectors = task.deletes().stream().filter(ContentFileUtil::isDV).toList();
    return vectors.isEmpty() ? null : loader.loadPositionDeletes(vectors, path);
  }
}

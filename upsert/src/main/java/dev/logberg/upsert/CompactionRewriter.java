package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.avro.PlannedDataReader;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction's rewriter: one partition's group of files read with their deletes applied (positions,
 * vectors, equalities), written into files of the target size in the table's format and codec, and
 * committed as one rewrite that replaces the group's data files and the deletes only they used.
 */
final class CompactionRewriter {
  private static final Logger LOG = LoggerFactory.getLogger(CompactionRewriter.class);

  private CompactionRewriter() {}

  /** What one or more committed rewrites changed. */
  record Rewritten(
      int dataFilesRewritten,
      int dataFilesAdded,
      int deleteFilesRemoved,
      int equalityDeleteFilesRemoved) {
    static final Rewritten NONE = new Rewritten(0, 0, 0, 0);

    Rewritten plus(Rewritten other) {
      return new Rewritten(
          dataFilesRewritten + other.dataFilesRewritten,
          dataFilesAdded + other.dataFilesAdded,
          deleteFilesRemoved + other.deleteFilesRemoved,
          equalityDeleteFilesRemoved + other.equalityDeleteFilesRemoved);
    }
  }

  /**
   * Rewrites and commits {@code group} of {@code plan}; with {@code last} a group left without rows
   * still adds an empty data file (see {@link EmptyDataFile}). {@code hook} runs just before the
   * commit (tests). A conflicting commit throws Iceberg's ValidationException or
   * CommitFailedException, the new files removed again.
   */
  static Rewritten rewrite(
      Table table,
      Compaction.Plan plan,
      CompactionPlanner.Group group,
      boolean last,
      @Nullable Consumer<Table> hook,
      long targetFileBytes) {
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
      writeLiveRows(table, plan, group, spec, partition, outputs, targetFileBytes, added);
      if (added.isEmpty() && last) {
        added.add(EmptyDataFile.write(table, outputs, spec, partition));
      }
      // The new files keep the planned snapshot's sequence number (as Spark's rewrite does by
      // default): rows appended after the plan stay newer for the resolver's tie-break, and
      // equality deletes committed concurrently still apply to the rewritten rows. Position
      // deletes or vectors added concurrently to a replaced file fail validation.
      RewriteFiles rewrite =
          table
              .newRewrite()
              .validateFromSnapshot(plan.snapshotId)
              .dataSequenceNumber(plan.sequenceNumber);
      group.files().forEach(f -> rewrite.deleteFile(plan.task(f.location()).file()));
      added.forEach(rewrite::addFile);
      int equality = 0;
      for (String key : group.removableDeletes()) {
        DeleteFile d = plan.delete(key);
        rewrite.deleteFile(d);
        if (d.content() == FileContent.EQUALITY_DELETES) {
          equality++;
        }
      }
      rewrite.set(ResolutionCommitter.OPERATION_PROPERTY, "upkeep");
      if (hook != null) {
        hook.accept(table);
      }
      rewrite.commit();
      return new Rewritten(
          group.files().size(),
          (int) added.stream().filter(f -> f.recordCount() > 0).count(),
          group.removableDeletes().size(),
          equality);
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
  private static void writeLiveRows(
      Table table,
      Compaction.Plan plan,
      CompactionPlanner.Group group,
      PartitionSpec spec,
      StructLike partition,
      OutputFileFactory outputs,
      long targetFileBytes,
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
            if (++n % 1000 == 0 && writer.length() >= targetFileBytes) {
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
}

package dev.logberg.upsert;

import java.io.Closeable;
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
import org.apache.iceberg.SortOrder;
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
import org.apache.iceberg.encryption.EncryptedOutputFile;
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
 * vectors, equalities), written into files of the target size in the table's format, codec and sort
 * order, and committed as one rewrite that replaces the group's data files and the deletes only
 * they used.
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
   * the target size, in the table's sort order if it has one (through {@link SortedRows}, so memory
   * stays bounded whatever the partition's size).
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
    SortOrder order = table.sortOrder();
    try (RollingWriter out =
        new RollingWriter(table, spec, partition, outputs, targetFileBytes, added)) {
      if (!order.isSorted()) {
        forEachLiveRow(table, plan, group, out::write);
        return;
      }
      try (SortedRows sorted = new SortedRows(table.schema(), order, SORTED_ROWS_IN_MEMORY)) {
        forEachLiveRow(table, plan, group, sorted::add);
        sorted.forEachSorted(out::write);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "compacting " + table.name() + " partition " + group.partition(), e);
    }
  }

  private static void forEachLiveRow(
      Table table, Compaction.Plan plan, CompactionPlanner.Group group, Consumer<Record> sink)
      throws IOException {
    for (CompactionPlanner.LiveFile f : group.files()) {
      if (f.recordCount() > 0) {
        try (CloseableIterable<Record> rows = liveRows(table, plan.task(f.location()))) {
          rows.forEach(sink);
        }
      }
    }
  }

  /**
   * Rows held in memory while a partition is sorted; more are spilled in sorted runs to local disk.
   * About 300 MB of log rows.
   */
  private static final int SORTED_ROWS_IN_MEMORY = 200_000;

  /**
   * Data files of one partition, each closed once it reaches the target size; files written in the
   * table's sort order say so. Closing it closes the last file; every file it wrote, complete or
   * abandoned, is in {@code added} (the caller removes them if the commit fails).
   */
  private static final class RollingWriter implements Closeable {
    private final Table table;
    private final PartitionSpec spec;
    private final StructLike partition;
    private final OutputFileFactory outputs;
    private final long targetFileBytes;
    private final List<DataFile> added;
    private final GenericAppenderFactory appenders;
    private @Nullable DataWriter<Record> writer;
    private long rows;

    RollingWriter(
        Table table,
        PartitionSpec spec,
        StructLike partition,
        OutputFileFactory outputs,
        long targetFileBytes,
        List<DataFile> added) {
      this.table = table;
      this.spec = spec;
      this.partition = partition;
      this.outputs = outputs;
      this.targetFileBytes = targetFileBytes;
      this.added = added;
      this.appenders = new GenericAppenderFactory(table.schema(), spec);
      // Codec, row-group size: what the table asks its writers for.
      appenders.setAll(table.properties());
    }

    void write(Record row) {
      DataWriter<Record> current = writer;
      if (current == null) {
        EncryptedOutputFile file = ResolutionCommitter.newOutputFile(outputs, spec, partition);
        FileFormat format = writeFormat(table);
        current =
            new DataWriter<>(
                appenders.newAppender(file, format),
                format,
                file.encryptingOutputFile().location(),
                spec,
                spec.isUnpartitioned() ? null : partition,
                file.keyMetadata(),
                table.sortOrder());
        writer = current;
      }
      current.write(row);
      if (++rows % 1000 == 0 && current.length() >= targetFileBytes) {
        closeFile();
      }
    }

    private void closeFile() {
      DataWriter<Record> current = writer;
      if (current == null) {
        return;
      }
      writer = null;
      try {
        current.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      added.add(current.toDataFile());
    }

    @Override
    public void close() {
      closeFile();
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

package dev.logberg.upsert;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.SortOrderComparators;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Rows put in a table's sort order with bounded memory: up to {@code maxRowsInMemory} rows are
 * sorted in memory; beyond that each full batch is sorted and spilled to a local Parquet file, and
 * the batches are merged when read. Not thread-safe. Compaction sorts a partition's rows through
 * it, so a partition of any size is rewritten sorted without holding it in memory.
 */
final class SortedRows implements Closeable {
  private final Schema schema;
  private final Comparator<Record> order;
  private final int maxRowsInMemory;
  private final List<Record> batch = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private @Nullable Path spillDir;

  SortedRows(Schema schema, SortOrder sortOrder, int maxRowsInMemory) {
    if (maxRowsInMemory < 1) {
      throw new IllegalArgumentException("maxRowsInMemory must be at least 1: " + maxRowsInMemory);
    }
    this.schema = schema;
    // The comparator reads Iceberg's internal values (timestamps as micros): wrap the records.
    Comparator<StructLike> byOrder = SortOrderComparators.forSchema(schema, sortOrder);
    InternalRecordWrapper left = new InternalRecordWrapper(schema.asStruct());
    InternalRecordWrapper right = new InternalRecordWrapper(schema.asStruct());
    this.order = (a, b) -> byOrder.compare(left.wrap(a), right.wrap(b));
    this.maxRowsInMemory = maxRowsInMemory;
  }

  /** Adds a row; the row is copied, so a reader may reuse its record. */
  void add(Record row) {
    batch.add(row.copy());
    if (batch.size() >= maxRowsInMemory) {
      spill();
    }
  }

  /** Sorted runs written to disk so far (for tests and logs). */
  int spilledRuns() {
    return runs.size();
  }

  /** Hands every row added, in order, to {@code sink}. */
  void forEachSorted(Consumer<Record> sink) {
    batch.sort(order);
    if (runs.isEmpty()) {
      batch.forEach(sink);
      return;
    }
    List<CloseableIterable<Record>> readers = new ArrayList<>();
    try {
      PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> order.compare(a.row, b.row));
      for (Path run : runs) {
        CloseableIterable<Record> reader = read(run);
        readers.add(reader);
        Head.next(reader.iterator(), heads);
      }
      Head.next(batch.iterator(), heads);
      while (!heads.isEmpty()) {
        Head head = heads.poll();
        sink.accept(head.row);
        Head.next(head.rest, heads);
      }
    } finally {
      for (CloseableIterable<Record> reader : readers) {
        try {
          reader.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** The smallest unread row of one sorted run, and the rest of that run. */
  private record Head(Record row, Iterator<Record> rest) {
    static void next(Iterator<Record> run, PriorityQueue<Head> heads) {
      if (run.hasNext()) {
        heads.add(new Head(run.next(), run));
      }
    }
  }

  private void spill() {
    batch.sort(order);
    try {
      Path dir = spillDir;
      if (dir == null) {
        dir = Files.createTempDirectory("logberg-sort-");
        spillDir = dir;
      }
      Path run = dir.resolve("run-" + runs.size() + ".parquet");
      // A run is read once, soon, from local disk: compressing it would only cost CPU.
      try (FileAppender<Record> out =
          new GenericAppenderFactory(schema)
              .set(TableProperties.PARQUET_COMPRESSION, "uncompressed")
              .newAppender(
                  org.apache.iceberg.Files.localOutput(run.toFile()), FileFormat.PARQUET)) {
        batch.forEach(out::add);
      }
      runs.add(run);
      batch.clear();
    } catch (IOException e) {
      throw new UncheckedIOException("spilling sorted rows", e);
    }
  }

  private CloseableIterable<Record> read(Path run) {
    return Parquet.read(org.apache.iceberg.Files.localInput(run.toFile()))
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build();
  }

  /** Deletes the spilled runs. */
  @Override
  public void close() {
    batch.clear();
    for (Path run : runs) {
      run.toFile().delete();
    }
    runs.clear();
    if (spillDir != null) {
      spillDir.toFile().delete();
      spillDir = null;
    }
  }
}

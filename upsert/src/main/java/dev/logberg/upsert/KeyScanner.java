package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.ScanTaskParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads the merge-key and order columns of one data file, with each row's position, skipping rows
 * that delete files already removed. Rows with a null in a key column have no key and are left
 * alone.
 *
 * <p>A file planned with a row-group filter ({@link ScanFile#rowGroupFilter()}) is read through
 * Iceberg's Parquet reader with that filter, which skips row groups whose statistics (min/max,
 * dictionaries, bloom filters) cannot satisfy it; row positions stay those of the whole file. The
 * scanner counts the files it opens and the rows it decodes, so that callers can see what pruning
 * saved.
 */
final class KeyScanner {

  /** Receives every keyed row of a file. */
  @FunctionalInterface
  public interface Sink {
    void row(String key, KeyedRow row);
  }

  private final Table table;
  private final MergeKeys keys;
  private final Schema projection;

  /**
   * The projection plus the key-determined columns: Iceberg binds a row-group filter to the
   * projected schema.
   */
  private final Schema filterableProjection;

  private final Schema keysOnly;
  private final AtomicLong filesOpened = new AtomicLong();
  private final AtomicLong rowsRead = new AtomicLong();

  public KeyScanner(Table table, MergeKeys keys) {
    this.table = table;
    this.keys = keys;
    Schema selected = table.schema().select(keys.projectedColumns());
    this.projection = TypeUtil.join(selected, new Schema(MetadataColumns.ROW_POSITION));
    this.filterableProjection =
        TypeUtil.join(projection, table.schema().select(keys.keyDeterminedColumns()));
    this.keysOnly = table.schema().select(keys.columns());
  }

  /** Data files this scanner opened (a file scanned twice counts twice). */
  public long filesOpened() {
    return filesOpened.get();
  }

  /**
   * Rows decoded from the files, before deletes and key filters: row groups skipped are not
   * counted.
   */
  public long rowsRead() {
    return rowsRead.get();
  }

  /**
   * Reads the file's rows, with their keys, into {@code sink}.
   *
   * @param filter keeps only rows whose key may be in it; null keeps every row
   * @return the number of rows passed to {@code sink}
   */
  public long scan(ScanFile file, @Nullable KeyHashes filter, Sink sink) {
    Schema columns = file.rowGroupFilter() == null ? projection : filterableProjection;
    return read(
        file,
        filter,
        columns,
        (key, row) ->
            sink.row(
                key,
                new KeyedRow(orderOf(row), file.dataSequence(), file.path(), positionOf(row))));
  }

  /**
   * The hash of every key in the file, in file order: 8 bytes a row where {@link #scan} keeps a
   * whole row.
   */
  public long[] hashes(ScanFile file) {
    KeyHashes.Builder hashes = new KeyHashes.Builder();
    read(file, null, keysOnly, (key, row) -> hashes.add(KeyHashes.hash(key)));
    return hashes.toArray();
  }

  private long read(
      ScanFile file, @Nullable KeyHashes filter, Schema columns, BiConsumer<String, Record> sink) {
    FileScanTask task = ScanTaskParser.fromJson(file.taskJson(), true);
    if (task.file().format() != FileFormat.PARQUET) {
      throw new UnsupportedOperationException(
          "data file "
              + file.path()
              + " is "
              + task.file().format()
              + "; only Parquet files can be resolved");
    }
    GenericDeleteFilter deletes =
        new GenericDeleteFilter(table.io(), task, table.schema(), columns);
    Schema required = deletes.requiredSchema();
    Parquet.ReadBuilder parquet =
        Parquet.read(table.io().newInputFile(task.file().location()))
            .project(required)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(required, fileSchema));
    if (file.rowGroupFilter() != null) {
      // With a reader function Iceberg uses the filter only to skip whole row groups; rows are not
      // filtered.
      parquet.filter(file.rowGroupFilter());
    }
    filesOpened.incrementAndGet();
    long emitted = 0;
    long[] decoded = {0}; // added once at the end: files are read in parallel, rows one by one
    try (CloseableIterable<Record> rows =
        deletes.filter(
            CloseableIterable.transform(
                parquet.<Record>build(),
                row -> {
                  decoded[0]++;
                  return row;
                }))) {
      for (Record row : rows) {
        String key = keyOf(row);
        if (key == null || (filter != null && !filter.mightContain(key))) {
          continue;
        }
        sink.accept(key, row);
        emitted++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading keys of " + file.path(), e);
    } finally {
      rowsRead.addAndGet(decoded[0]);
    }
    return emitted;
  }

  private static long positionOf(Record row) {
    return (Long) row.getField(MetadataColumns.ROW_POSITION.name());
  }

  /**
   * One column's value as text; several columns length-prefixed, so that no two different keys
   * meet.
   */
  private @Nullable String keyOf(Record row) {
    List<String> columns = keys.columns();
    if (columns.size() == 1) {
      Object value = row.getField(columns.get(0));
      return value == null ? null : value.toString();
    }
    StringBuilder key = new StringBuilder();
    List<Object> values = new ArrayList<>(columns.size());
    for (String column : columns) {
      Object value = row.getField(column);
      if (value == null) {
        return null;
      }
      values.add(value);
    }
    for (Object value : values) {
      String text = value.toString();
      key.append(text.length()).append(':').append(text);
    }
    return key.toString();
  }

  private long orderOf(Record row) {
    if (keys.orderColumn() == null) {
      return Long.MIN_VALUE;
    }
    Object value = row.getField(keys.orderColumn());
    if (value == null) {
      return Long.MIN_VALUE;
    } else if (value instanceof OffsetDateTime t) {
      return DateTimeUtil.microsFromTimestamptz(t);
    } else if (value instanceof LocalDateTime t) {
      return DateTimeUtil.microsFromTimestamp(t);
    } else if (value instanceof LocalDate d) {
      return d.toEpochDay();
    }
    return ((Number) value).longValue();
  }
}

package dev.logberg.bench;

import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * A sqlite JDBC catalog in a folder with the benchmark's tables, written and read with Iceberg's
 * own generic writer and reader. The catalog stays open for the whole run: loaded tables keep using
 * its connections.
 */
final class BenchLake implements AutoCloseable {
  static final Namespace NAMESPACE = Namespace.of("bench");

  /**
   * Like the pipeline's data table (TableSetup): format v2 unless asked otherwise, zstd for every
   * writer that honours table properties (Beam's Managed writer does not: its files are gzip).
   */
  private final Map<String, String> tableProperties;

  final Path dir;
  final CatalogSpec spec;

  /** What pipelines get: the catalog's own tables already exist. */
  final CatalogSpec workerSpec;

  private final Catalog catalog;
  final PartitionSpec partitioning =
      PartitionSpec.builderFor(LogRows.SCHEMA).day("timestamp").build();

  BenchLake(Path dir, int formatVersion) {
    this.dir = dir;
    this.tableProperties =
        Map.of(
            TableProperties.FORMAT_VERSION,
            String.valueOf(formatVersion),
            TableProperties.PARQUET_COMPRESSION,
            "zstd");
    try {
      Files.createDirectories(dir.resolve("warehouse"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    spec = CatalogSpec.sqlite("bench", dir);
    catalog = spec.load();
    workerSpec = spec.forWorkers();
    SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
    if (!namespaces.namespaceExists(NAMESPACE)) {
      namespaces.createNamespace(NAMESPACE);
    }
  }

  /** The table's name in the namespace (Table.name() also holds the catalog name). */
  static String name(Table table) {
    String full = table.name();
    return full.substring(full.lastIndexOf('.') + 1);
  }

  static TableIdentifier id(String name) {
    return TableIdentifier.of(NAMESPACE, name);
  }

  Table create(String name) {
    return catalog
        .buildTable(id(name), LogRows.SCHEMA)
        .withPartitionSpec(partitioning)
        .withProperties(tableProperties)
        .create();
  }

  Table load(String name) {
    return catalog.loadTable(id(name));
  }

  Catalog catalog() {
    return catalog;
  }

  /**
   * Writes rows 0..n-1 with Iceberg's generic Parquet writer: a new file at each day boundary and
   * every {@code rowsPerFile} rows, all in one append commit.
   */
  static List<DataFile> writeRows(
      Table table, long n, long rowsPerFile, LongFunction<Record> rows) {
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    GenericAppenderFactory appenders =
        new GenericAppenderFactory(table.schema(), table.spec()).setAll(table.properties());
    List<DataFile> written = new ArrayList<>();
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    DataWriter<Record> writer = null;
    String writerPartition = null;
    long inFile = 0;
    try {
      for (long i = 0; i < n; i++) {
        Record r = rows.apply(i);
        key.partition(internal.wrap(r));
        String partition = table.spec().partitionToPath(key);
        if (writer == null || !partition.equals(writerPartition) || inFile >= rowsPerFile) {
          if (writer != null) {
            writer.close();
            written.add(writer.toDataFile());
          }
          PartitionKey copy = key.copy();
          writer =
              appenders.newDataWriter(
                  files.newOutputFile(table.spec(), copy), FileFormat.PARQUET, copy);
          writerPartition = partition;
          inFile = 0;
        }
        writer.write(r);
        inFile++;
      }
      if (writer != null) {
        writer.close();
        written.add(writer.toDataFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + table.name(), e);
    }
    return written;
  }

  static long commit(Table table, List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    return table.currentSnapshot().snapshotId();
  }

  /**
   * A new table holding the base table's data files (the same files, referenced, not copied): a
   * fresh table of the same content in a metadata-only commit. Each measurement gets its own table
   * name, since Beam's Managed writer caches tables per JVM by identifier.
   */
  Table cloneOf(Table base, String name) {
    return copyDataFiles(base, name, false);
  }

  /**
   * A new table with the source's live data files but none of its deletes: every row ever written,
   * as a table without deletes in the same files (to tell the cost of applying deletes from that of
   * reading many files).
   */
  Table copyDataFiles(Table source, String name, boolean dropDeletes) {
    source.refresh();
    Table table = create(name);
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = source.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!dropDeletes && !task.deletes().isEmpty()) {
          throw new IllegalStateException("clone source " + source.name() + " has delete files");
        }
        files.add(task.file().copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    commit(table, files);
    return table;
  }

  /** A full scan with the generic reader: every column of every live row. */
  static long countRows(Table table) {
    table.refresh();
    long n = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record ignored : records) {
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  /**
   * Writes the live rows of {@code source} into a new table without deletes (what a compaction
   * produces), with the same file layout rule as the initial load.
   */
  Table compact(Table source, String name, long rowsPerFile) {
    source.refresh();
    Table target = create(name);
    OutputFileFactory files =
        OutputFileFactory.builderFor(target, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    GenericAppenderFactory appenders =
        new GenericAppenderFactory(target.schema(), target.spec()).setAll(target.properties());
    Map<String, DataWriter<Record>> open = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    List<DataFile> written = new ArrayList<>();
    PartitionKey key = new PartitionKey(target.spec(), target.schema());
    InternalRecordWrapper internal = new InternalRecordWrapper(target.schema().asStruct());
    try (CloseableIterable<Record> records = IcebergGenerics.read(source).build()) {
      for (Record r : records) {
        key.partition(internal.wrap(r));
        String partition = target.spec().partitionToPath(key);
        DataWriter<Record> writer = open.get(partition);
        if (writer != null && counts.getOrDefault(partition, 0L) >= rowsPerFile) {
          writer.close();
          written.add(writer.toDataFile());
          writer = null;
        }
        if (writer == null) {
          PartitionKey copy = key.copy();
          writer =
              appenders.newDataWriter(
                  files.newOutputFile(target.spec(), copy), FileFormat.PARQUET, copy);
          open.put(partition, writer);
          counts.put(partition, 0L);
        }
        writer.write(r);
        counts.merge(partition, 1L, Long::sum);
      }
      for (DataWriter<Record> writer : open.values()) {
        writer.close();
        written.add(writer.toDataFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("compacting " + source.name(), e);
    }
    commit(target, written);
    return target;
  }

  /** Files and bytes of a table's current snapshot, from its metadata. */
  record Layout(
      int dataFiles,
      long dataBytes,
      long records,
      int deleteFiles,
      long deleteBytes,
      long deleteRecords,
      int snapshots) {
    String describe() {
      return String.format(
          "%d data files (%s, %,d records incl. deleted), %d delete files or vectors (%s, %,d positions)",
          dataFiles, mb(dataBytes), records, deleteFiles, mb(deleteBytes), deleteRecords);
    }
  }

  static Layout layout(Table table) {
    table.refresh();
    int dataFiles = 0;
    long dataBytes = 0;
    long records = 0;
    Map<String, DeleteFile> deletes = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        dataFiles++;
        dataBytes += task.file().fileSizeInBytes();
        records += task.file().recordCount();
        // A deletion vector is a blob in a Puffin file that holds others: one per location and
        // offset.
        task.deletes().forEach(d -> deletes.put(d.location() + "#" + d.contentOffset(), d));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deleteBytes =
        deletes.values().stream()
            .mapToLong(
                d -> d.contentSizeInBytes() != null ? d.contentSizeInBytes() : d.fileSizeInBytes())
            .sum();
    long deleteRecords = deletes.values().stream().mapToLong(DeleteFile::recordCount).sum();
    int snapshots = 0;
    for (var ignored : table.snapshots()) {
      snapshots++;
    }
    return new Layout(
        dataFiles, dataBytes, records, deletes.size(), deleteBytes, deleteRecords, snapshots);
  }

  /**
   * Checks that every key of 0..n-1 has exactly one live row and that round r's rows won for the
   * keys of round r: returns a description, or throws {@link IllegalStateException} saying what is
   * wrong.
   */
  static String verifyOneRowPerKey(Table table, long n, int rounds) {
    table.refresh();
    long[] hashes = new long[(int) Math.min(Integer.MAX_VALUE - 8, n + n / 4 + 16)];
    int count = 0;
    Map<Long, Long> byIngestedAt = new TreeMap<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).select("event_id", "ingested_at").build()) {
      for (Record r : records) {
        if (count == hashes.length) {
          hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        hashes[count++] = fnv64((String) r.getField("event_id"));
        byIngestedAt.merge(
            DateTimeUtil.microsFromTimestamptz((OffsetDateTime) r.getField("ingested_at")),
            1L,
            Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> problems = new ArrayList<>();
    if (count != n) {
      problems.add(String.format("%,d live rows, expected %,d (one per key)", count, n));
    }
    long[] sorted = Arrays.copyOf(hashes, count);
    Arrays.sort(sorted);
    long duplicates = 0;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        duplicates++;
      }
    }
    if (duplicates > 0) {
      problems.add(String.format("%,d keys are live more than once", duplicates));
    }
    Map<Long, Long> expected = new TreeMap<>();
    long touched = 0;
    for (int r = 1; r <= rounds; r++) {
      expected.put(LogRows.ingestedMicros(r), LogRows.batchSize(n, r));
      touched += LogRows.batchSize(n, r);
    }
    expected.put(LogRows.ingestedMicros(0), n - touched);
    if (!expected.equals(byIngestedAt)) {
      problems.add("live rows by ingested_at " + byIngestedAt + ", expected " + expected);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "table " + table.name() + " is not one row per key: " + String.join("; ", problems));
    }
    // Keys are compared by 64-bit hash: for 2M keys a false "duplicate" has a probability of about
    // 1e-7.
    return String.format(
        "%,d live rows, %,d distinct keys, rows by round %s",
        count, count - duplicates, byRound(byIngestedAt));
  }

  private static String byRound(Map<Long, Long> byIngestedAt) {
    Map<Integer, Long> rounds = new TreeMap<>();
    byIngestedAt.forEach(
        (micros, count) ->
            rounds.put((int) ((micros - LogRows.INGESTED_MICROS) / LogRows.HOUR_MICROS), count));
    return rounds.toString();
  }

  /** Bytes of every file under a folder. */
  static long bytesUnder(Path folder) {
    if (!Files.exists(folder)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      return paths
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path tableDir(String name) {
    return dir.resolve("warehouse").resolve(NAMESPACE.toString()).resolve(name);
  }

  static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  @Override
  public void close() {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing at exit: nothing to do
      }
    }
  }

  /** A 64-bit FNV-1a hash: the check keeps 8 bytes per key instead of the key itself. */
  private static long fnv64(String key) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      hash = (hash ^ key.charAt(i)) * 0x100000001b3L;
    }
    return hash;
  }
}

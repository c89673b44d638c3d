package dev.logberg.bench;

import dev.logberg.pipeline.discover.AppFolderLister;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.parse.LogLineParser;
import dev.logberg.pipeline.parse.ParseOutcome;
import dev.logberg.pipeline.parse.RejectReason;
import dev.logberg.pipeline.read.LineReader;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.pipeline.tables.TableSetup;
import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The "limit" contender of the end-to-end benchmark: what one plain JVM program (no Beam pipeline)
 * does with the same tree. It lists the application folders as Logberg does, reads each file with
 * Logberg's {@link LineReader}, parses each line with Logberg's {@link LogLineParser} (Jackson; the
 * same columns, the same rejects), and appends the rows with Iceberg's generic Parquet writer to a
 * table created by Logberg's {@link TableSetup}, in one commit. Worker threads take whole files,
 * largest first; each keeps one open data file per partition. It writes no rejects or metadata rows
 * and does no upsert resolution: an append into a new table has nothing to resolve.
 *
 * <pre>LimitIngest --input=DIR --dir=RUN_DIR [--threads=2]</pre>
 *
 * The catalog is the sqlite file {@code RUN_DIR/catalog.db} with the warehouse {@code
 * RUN_DIR/warehouse}, named like Logberg's default ({@code logberg}, table {@code
 * logs.spark_logs}), so the harness reads every contender alike.
 */
public final class LimitIngest {
  static final String CATALOG = "logberg";
  static final LogbergTables TABLES = new LogbergTables("logs", "spark_logs");

  /** Logberg's default line limit (LogbergOptions.maxLineBytes). */
  private static final int MAX_LINE_BYTES = 8 << 20;

  private static final int TIMESTAMP =
      SparkLogsTable.SCHEMA
          .columns()
          .indexOf(SparkLogsTable.SCHEMA.findField(SparkLogsTable.TIMESTAMP));
  private static final int INGESTED_AT =
      SparkLogsTable.SCHEMA
          .columns()
          .indexOf(SparkLogsTable.SCHEMA.findField(SparkLogsTable.INGESTED_AT));

  private LimitIngest() {}

  /** What one worker thread read and wrote. */
  static final class Tally {
    long files;
    long bytes;
    long lines;
    long rows;
    long blank;
    final Map<RejectReason, Long> rejects = new EnumMap<>(RejectReason.class);
    final List<DataFile> dataFiles = new ArrayList<>();

    long rejected() {
      return rejects.values().stream().mapToLong(Long::longValue).sum();
    }

    void add(Tally other) {
      files += other.files;
      bytes += other.bytes;
      lines += other.lines;
      rows += other.rows;
      blank += other.blank;
      other.rejects.forEach((r, n) -> rejects.merge(r, n, Long::sum));
      dataFiles.addAll(other.dataFiles);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    long started = System.nanoTime();
    Tally total =
        ingest(
            required(options, "input"),
            Path.of(required(options, "dir")).toAbsolutePath(),
            Integer.parseInt(options.getOrDefault("threads", "2")));
    // One line the harness parses (key=value), then the details for a human.
    System.out.printf(
        "limit: files=%d bytes=%d lines=%d rows=%d rejected=%d blank=%d dataFiles=%d seconds=%.2f%n",
        total.files,
        total.bytes,
        total.lines,
        total.rows,
        total.rejected(),
        total.blank,
        total.dataFiles.size(),
        (System.nanoTime() - started) / 1e9);
    System.out.println("rejects " + new TreeMap<>(total.rejects));
  }

  /**
   * Lands every line under {@code input} in {@code logs.spark_logs} of the sqlite lake in {@code
   * dir}.
   */
  static Tally ingest(String input, Path dir, int threads) throws Exception {
    CatalogSpec spec = CatalogSpec.sqlite(CATALOG, dir);
    Files.createDirectories(dir);
    TableSetup.ensureTables(spec, TABLES, "day(timestamp)");
    Catalog catalog = spec.load();
    try {
      Table table = catalog.loadTable(TABLES.dataTable());
      AppFolderLister lister = AppFolderLister.forLocation(input, null);
      List<LogFile> files = new ArrayList<>();
      for (String folder : lister.listAppFolders(input)) {
        files.addAll(lister.listFiles(folder));
      }
      // Largest first, so that no thread is left with one big file at the end.
      files.sort(Comparator.comparingLong(LogFile::size).reversed());
      ConcurrentLinkedQueue<LogFile> queue = new ConcurrentLinkedQueue<>(files);
      long ingestedAt = DateTimeUtil.microsFromInstant(Instant.now());

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Tally>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int partitionId = t;
        futures.add(
            pool.submit(() -> work(table, partitionId, queue, new LogLineParser(ingestedAt))));
      }
      Tally total = new Tally();
      try {
        for (Future<Tally> f : futures) {
          total.add(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
      AppendFiles append = table.newAppend();
      total.dataFiles.forEach(append::appendFile);
      append.commit();
      return total;
    } finally {
      if (catalog instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  private static Tally work(
      Table table, int partitionId, ConcurrentLinkedQueue<LogFile> queue, LogLineParser parser)
      throws IOException {
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, partitionId, 1)
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    GenericAppenderFactory appenders =
        new GenericAppenderFactory(table.schema(), table.spec()).setAll(table.properties());
    long targetBytes =
        PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    Map<PartitionKey, DataWriter<Record>> open = new HashMap<>();
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    Tally tally = new Tally();
    LineReader reader = new LineReader(MAX_LINE_BYTES);
    LogFile file;
    while ((file = queue.poll()) != null) {
      String appId = file.sourceFile().substring(0, file.sourceFile().indexOf('/'));
      String sourceFile = file.sourceFile();
      try (InputStream in = open(Path.of(file.location()))) {
        tally.lines +=
            reader.read(
                in,
                (number, text, tooLong) -> {
                  if (tooLong) {
                    tally.rejects.merge(RejectReason.LINE_TOO_LONG, 1L, Long::sum);
                    return;
                  }
                  ParseOutcome outcome = parser.parse(text, sourceFile, number, appId);
                  if (outcome instanceof ParseOutcome.Parsed parsed) {
                    Record record = toRecord(parsed.row());
                    key.partition(internal.wrap(record));
                    DataWriter<Record> writer = open.get(key);
                    if (writer == null) {
                      PartitionKey copy = key.copy();
                      writer =
                          appenders.newDataWriter(
                              outputs.newOutputFile(table.spec(), copy), FileFormat.PARQUET, copy);
                      open.put(copy, writer);
                    }
                    writer.write(record);
                    tally.rows++;
                    // length() asks Parquet for its buffered size: not every row.
                    if ((tally.rows & 0xFFFF) == 0 && writer.length() >= targetBytes) {
                      close(writer, tally);
                      open.remove(key);
                    }
                  } else if (outcome instanceof ParseOutcome.Rejected rejected) {
                    tally.rejects.merge(rejected.reason(), 1L, Long::sum);
                  } else {
                    tally.blank++;
                  }
                });
      }
      tally.files++;
      tally.bytes += file.size();
    }
    for (DataWriter<Record> writer : open.values()) {
      close(writer, tally);
    }
    return tally;
  }

  private static void close(DataWriter<Record> writer, Tally tally) {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tally.dataFiles.add(writer.toDataFile());
  }

  /**
   * Logberg's row (timestamps as epoch micros) as Iceberg's generic record (timestamptz as
   * OffsetDateTime).
   */
  private static Record toRecord(Row row) {
    GenericRecord record = GenericRecord.create(SparkLogsTable.SCHEMA);
    for (int i = 0; i < row.getFieldCount(); i++) {
      Object value = row.getValue(i);
      if ((i == TIMESTAMP || i == INGESTED_AT) && value != null) {
        value = DateTimeUtil.timestamptzFromMicros((Long) value);
      }
      record.set(i, value);
    }
    return record;
  }

  /** Logberg decompresses by extension; the generated trees hold plain and .gz files. */
  private static InputStream open(Path path) throws IOException {
    // LineReader reads 64 KB at a time: no buffering needed on top.
    InputStream in = Files.newInputStream(path);
    return path.toString().endsWith(".gz") ? new GZIPInputStream(in, 64 << 10) : in;
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    return options;
  }

  static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}

package dev.logberg.upsert;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;

/**
 * A sqlite JDBC catalog in a temporary folder, a small keyed table, and Iceberg's own writer and
 * reader.
 */
final class TestLake {
  static final Schema SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get()),
          optional(2, "value", Types.StringType.get()),
          required(3, "ts", Types.TimestampType.withZone()),
          required(4, "part", Types.StringType.get()));

  final CatalogSpec spec;

  /**
   * What pipelines get: the catalog's own tables exist, so workers must not run their DDL against
   * sqlite again.
   */
  final CatalogSpec workerSpec;

  /** Open for the test's lifetime: tables loaded from it use its connection pool. */
  private final Catalog catalog;

  TestLake(Path dir) {
    spec = CatalogSpec.sqlite("test", dir);
    catalog = spec.load();
    workerSpec = spec.forWorkers();
  }

  Table create(String name, int formatVersion, boolean partitioned) {
    PartitionSpec partitioning =
        partitioned
            ? PartitionSpec.builderFor(SCHEMA).identity("part").build()
            : PartitionSpec.unpartitioned();
    return create(name, formatVersion, partitioning, Map.of());
  }

  Table create(
      String name, int formatVersion, PartitionSpec partitioning, Map<String, String> properties) {
    SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
    if (!namespaces.namespaceExists(Namespace.of("db"))) {
      namespaces.createNamespace(Namespace.of("db"));
    }
    return catalog
        .buildTable(TableIdentifier.of("db", name), SCHEMA)
        .withPartitionSpec(partitioning)
        .withProperties(properties)
        .withProperty(TableProperties.FORMAT_VERSION, String.valueOf(formatVersion))
        .create();
  }

  Table load(String name) {
    return catalog.loadTable(TableIdentifier.of("db", name));
  }

  Catalog catalog() {
    return catalog;
  }

  /** The staging table of {@code db.name} for run {@code run}, created. */
  Table staging(String name, String run) {
    return catalog.loadTable(StagingTable.create(catalog, TableIdentifier.of("db", name), run));
  }

  /** Publishes the rows as new files of the table, retrying on conflict. */
  static MergeKeyResolver.Outcome publish(Table table, MergeKeys keys, Record... rows) {
    return Publication.publish(table, keys, writeFiles(table, rows), Publication.Validation.RETRY);
  }

  static Record row(String id, String value, long epochSecond, String part) {
    Record r = GenericRecord.create(SCHEMA);
    r.setField("id", id);
    r.setField("value", value);
    r.setField("ts", OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    r.setField("part", part);
    return r;
  }

  /**
   * Appends the rows as one commit: one Parquet file per partition of the current spec and value of
   * {@code part}. Returns the snapshot id.
   */
  static long append(Table table, Record... rows) {
    AppendFiles append = table.newAppend();
    writeFiles(table, rows).forEach(append::appendFile);
    append.commit();
    return table.currentSnapshot().snapshotId();
  }

  static List<DataFile> writeFiles(Table table, Record... rows) {
    Map<String, List<Record>> byPartition = new TreeMap<>();
    PartitionKey of = new PartitionKey(table.spec(), table.schema());
    // Partition transforms take Iceberg's internal values (timestamps as micros), not a Record's
    // OffsetDateTime.
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    for (Record r : rows) {
      of.partition(internal.wrap(r));
      String group = table.spec().partitionToPath(of) + "|" + r.getField("part");
      byPartition.computeIfAbsent(group, p -> new ArrayList<>()).add(r);
    }
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    List<DataFile> written = new ArrayList<>();
    for (List<Record> group : byPartition.values()) {
      PartitionKey key = new PartitionKey(table.spec(), table.schema());
      key.partition(internal.wrap(group.get(0)));
      PartitionKey partition = table.spec().isUnpartitioned() ? null : key;
      DataWriter<Record> writer =
          new GenericAppenderFactory(table.schema(), table.spec())
              .setAll(table.properties()) // row-group size, codec: what the table asks writers for
              .newDataWriter(
                  files.newOutputFile(table.spec(), partition), FileFormat.PARQUET, partition);
      try (writer) {
        group.forEach(writer::write);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      written.add(writer.toDataFile());
    }
    return written;
  }

  /** Live rows as id -> value, failing on a duplicate id. */
  static Map<String, String> live(Table table) {
    table.refresh();
    return table.currentSnapshot() == null
        ? Map.of()
        : liveAt(table, table.currentSnapshot().snapshotId());
  }

  /** The rows of a snapshot, read by time travel, as id -> value, failing on a duplicate id. */
  static Map<String, String> liveAt(Table table, long snapshotId) {
    Map<String, String> rows = new TreeMap<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshotId).build()) {
      for (Record r : records) {
        String previous = rows.put((String) r.getField("id"), (String) r.getField("value"));
        if (previous != null) {
          throw new AssertionError(
              "id "
                  + r.getField("id")
                  + " is live twice: "
                  + previous
                  + ", "
                  + r.getField("value"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static long liveCount(Table table) {
    table.refresh();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      long n = 0;
      for (Record ignored : records) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

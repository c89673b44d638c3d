package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Writes records as a data file of a table, to be published with {@link Publication} ({@link
 * Publication#publishRecords}): a few rows committed from a driver or a DoFn without Managed
 * (claims, statuses).
 */
final class RecordFiles {
  private RecordFiles() {}

  /**
   * One Parquet file of {@code table} under its current spec, written with its write properties and
   * not committed.
   *
   * @param records at least one; on a partitioned table, all of one partition
   * @throws IllegalArgumentException if there is no record, or the records span partitions
   */
  static DataFile write(Table table, List<Record> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("no records to write into " + table.name());
    }
    PartitionSpec spec = table.spec();
    PartitionKey partition = partitionOf(table, records);
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId("logberg-" + UUID.randomUUID())
            .build();
    DataWriter<Record> writer =
        new GenericAppenderFactory(table.schema(), spec)
            .setAll(table.properties())
            .newDataWriter(
                ResolutionCommitter.newOutputFile(outputs, spec, partition),
                FileFormat.PARQUET,
                spec.isUnpartitioned() ? null : partition);
    try (writer) {
      records.forEach(writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException("writing records of " + table.name(), e);
    }
    return writer.toDataFile();
  }

  /** The one partition of the records (empty on an unpartitioned table). */
  private static PartitionKey partitionOf(Table table, List<Record> records) {
    PartitionSpec spec = table.spec();
    // Transforms take Iceberg's internal values (timestamps as micros), not a Record's Java types.
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    PartitionKey first = new PartitionKey(spec, table.schema());
    first.partition(internal.wrap(records.get(0)));
    if (!spec.isUnpartitioned()) {
      String firstPath = spec.partitionToPath(first);
      PartitionKey other = new PartitionKey(spec, table.schema());
      for (Record record : records) {
        other.partition(internal.wrap(record));
        String path = spec.partitionToPath(other);
        if (!path.equals(firstPath)) {
          throw new IllegalArgumentException(
              "records for "
                  + table.name()
                  + " span partitions ("
                  + firstPath
                  + ", "
                  + path
                  + "); write one file per partition");
        }
      }
    }
    return first;
  }
}

package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet data file without rows, committed with each resolution's deletes.
 *
 * <p>Why: Beam's Managed Iceberg write (io-iceberg 2.67, apache/beam issue 37199) fails every later append when the
 * table's current snapshot added no data file, as a delete-only commit does. With this file it always has one.
 * Readers find no rows in it; compaction removes it. Iceberg's own Parquet writer creates no file for zero rows, so
 * this writes the header and footer with parquet-hadoop, through the table's FileIO (local, HDFS or S3 alike).
 */
final class EmptyDataFile {
  private static final long ROW_GROUP_BYTES = 8L * 1024 * 1024;

  private EmptyDataFile() {}

  static DataFile write(Table table, OutputFileFactory outputs, PartitionSpec spec, StructLike partition) {
    EncryptedOutputFile encrypted = DeleteCommitter.newOutputFile(outputs, spec, partition);
    OutputFile file = encrypted.encryptingOutputFile();
    try {
      ParquetFileWriter writer =
          new ParquetFileWriter(
              new ParquetOutput(file), ParquetSchemaUtil.convert(table.schema(), "table"),
              ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES, 0);
      writer.start();
      writer.end(Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("writing an empty data file for " + table.name(), e);
    }
    return DataFiles.builder(spec)
        .withPath(file.location())
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(file.toInputFile().getLength())
        .withRecordCount(0)
        .withPartition(spec.isUnpartitioned() ? null : partition)
        .build();
  }

  /** Parquet's view of an Iceberg output file. */
  private record ParquetOutput(OutputFile file) implements org.apache.parquet.io.OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      org.apache.iceberg.io.PositionOutputStream out = file.create();
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}

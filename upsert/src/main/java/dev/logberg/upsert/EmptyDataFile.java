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
 * A Parquet data file without rows, committed by resolutions that add no row to a table Managed
 * appends to: after appends, and deduplication. Publications need none: Managed writes their
 * staging tables, never their targets.
 *
 * <p>Why: Beam's Managed Iceberg write (io-iceberg 2.67, apache/beam issue 37199) fails every later
 * append when the table's current snapshot added no data file, as a delete-only commit does. With
 * this file it always has one. Readers find no rows in it; compaction removes it. Iceberg's own
 * Parquet writer creates no file for zero rows, so this writes the header and footer with
 * parquet-hadoop, through the table's FileIO (local, HDFS or S3 alike).
 *
 * <p>It overwrites, as Iceberg's and Beam's writers do: the name is new, and {@code
 * OutputFile.create()} would first ask the store whether it exists, a HEAD that S3 answers 403
 * instead of 404 to a role without ListBucket on the prefix. The length comes from the stream too,
 * so no HEAD follows the write either.
 */
final class EmptyDataFile {
  private static final long ROW_GROUP_BYTES = 8L * 1024 * 1024;

  private EmptyDataFile() {}

  static DataFile write(
      Table table, OutputFileFactory outputs, PartitionSpec spec, StructLike partition) {
    EncryptedOutputFile encrypted = ResolutionCommitter.newOutputFile(outputs, spec, partition);
    OutputFile file = encrypted.encryptingOutputFile();
    ParquetOutput output = new ParquetOutput(file);
    try {
      ParquetFileWriter writer =
          new ParquetFileWriter(
              output,
              ParquetSchemaUtil.convert(table.schema(), "table"),
              ParquetFileWriter.Mode.OVERWRITE,
              ROW_GROUP_BYTES,
              0);
      writer.start();
      writer.end(Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("writing an empty data file for " + table.name(), e);
    }
    return DataFiles.builder(spec)
        .withPath(file.location())
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(output.length())
        .withRecordCount(0)
        .withPartition(spec.isUnpartitioned() ? null : partition)
        .build();
  }

  /**
   * Parquet's view of an Iceberg output file; every way of opening it overwrites (see the class
   * comment).
   */
  private static final class ParquetOutput implements org.apache.parquet.io.OutputFile {
    private final OutputFile file;
    private long length = -1;

    ParquetOutput(OutputFile file) {
      this.file = file;
    }

    /** The bytes written, known once the stream is closed. */
    long length() {
      if (length < 0) {
        throw new IllegalStateException(file.location() + " was not written");
      }
      return length;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      org.apache.iceberg.io.PositionOutputStream out = file.createOrOverwrite();
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
          long written = out.getPos();
          out.close();
          length = written;
        }
      };
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

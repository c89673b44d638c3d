package dev.logberg.upsert;

import java.util.Map;
import org.apache.iceberg.hadoop.HadoopOutputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * A table's FileIO for files at new, unique paths (an {@code OutputFileFactory}'s): {@link
 * OutputFile#create()} writes without first asking whether the file exists. On S3 that question is
 * a HEAD, and under a least-privilege policy (s3:ListBucket only with a prefix condition) S3
 * answers a HEAD of a missing key with 403, not 404; Iceberg's PuffinWriter, which writes v3
 * deletion vectors, calls create(). The paths hold a fresh operation id, so nothing can be
 * overwritten.
 */
final class UniqueOutputFiles implements FileIO {
  private final FileIO io;

  UniqueOutputFiles(FileIO io) {
    this.io = io;
  }

  @Override
  public InputFile newInputFile(String path) {
    return io.newInputFile(path);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile file = io.newOutputFile(path);
    if (file instanceof HadoopOutputFile) {
      // Only S3 has the HEAD to avoid. And Iceberg's Parquet writer must see a Hadoop file as one:
      // given this wrapper's stream it unwraps the FSDataOutputStream and drops Iceberg's wrapper,
      // whose cleaner then closes the stream at the next GC, mid-write (ClosedChannelException
      // while writing the footer, seen in UpsertIntoIcebergTest).
      return file;
    }
    return new OutputFile() {
      @Override
      public PositionOutputStream create() {
        return file.createOrOverwrite();
      }

      @Override
      public PositionOutputStream createOrOverwrite() {
        return file.createOrOverwrite();
      }

      @Override
      public String location() {
        return file.location();
      }

      @Override
      public InputFile toInputFile() {
        return file.toInputFile();
      }
    };
  }

  @Override
  public void deleteFile(String path) {
    io.deleteFile(path);
  }

  @Override
  public Map<String, String> properties() {
    return io.properties();
  }

  /** The table's FileIO stays open: it is the table's, not this wrapper's. */
  @Override
  public void close() {}
}

package dev.logberg.upsert;

import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.InputFile;

/**
 * Iceberg's S3FileIO whose {@code close()} does nothing. Beam's Managed Iceberg writer (io-iceberg
 * 2.63 and later, apache/beam issue 36438) closes the FileIO its catalog shares with other writers,
 * and every later write then fails with "Connection pool shut down". Set it as the catalog's {@code
 * io-impl} for S3 warehouses; the clients are released with the worker's JVM. A table metadata file
 * S3 refuses to read fails at once, not after Iceberg's 90 s of retries ({@link DeniedRead}).
 */
public class SharedS3FileIO extends S3FileIO {
  private static final long serialVersionUID = 1L;

  @Override
  public InputFile newInputFile(String path) {
    InputFile file = super.newInputFile(path);
    return DeniedRead.isTableMetadata(path) ? new DeniedRead(file) : file;
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    InputFile file = super.newInputFile(path, length);
    return DeniedRead.isTableMetadata(path) ? new DeniedRead(file) : file;
  }

  @Override
  public void close() {
    // Shared: see the class comment.
  }
}

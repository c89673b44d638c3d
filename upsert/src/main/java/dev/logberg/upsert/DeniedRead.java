package dev.logberg.upsert;

import java.io.IOException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A table metadata file whose read S3 refuses (403) fails at once. Iceberg retries reading a
 * table's metadata file 20 times with backoff, about 90 s, on any failure but NotFoundException
 * ({@code BaseMetastoreTableOperations.refreshFromMetadataLocation}); a denied permission does not
 * come back by waiting. The refusal becomes a {@link Refused}, a NotFoundException for that loop,
 * which keeps S3's exception as its cause (and so the permission to grant, see AwsErrors).
 */
final class DeniedRead implements InputFile {
  /** S3 refused to read a file: not a missing file, but Iceberg stops retrying on this type. */
  static final class Refused extends NotFoundException {
    private static final long serialVersionUID = 1L;

    Refused(S3Exception cause) {
      super(cause, "%s", cause.getMessage());
    }
  }

  private final InputFile file;

  DeniedRead(InputFile file) {
    this.file = file;
  }

  /** Whether {@code location} is a table metadata file, read in Iceberg's retry loop. */
  static boolean isTableMetadata(String location) {
    return location.endsWith(".metadata.json");
  }

  static RuntimeException translate(RuntimeException e) {
    return e instanceof S3Exception s3 && s3.statusCode() == 403 ? new Refused(s3) : e;
  }

  /** A read of the file, which may throw {@code E}. */
  private interface Read<T, E extends Exception> {
    T get() throws E;
  }

  private static <T, E extends Exception> T guarded(Read<T, E> read) throws E {
    try {
      return read.get();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  @Override
  public long getLength() {
    return guarded(file::getLength);
  }

  @Override
  public SeekableInputStream newStream() {
    SeekableInputStream stream = guarded(file::newStream);
    return new SeekableInputStream() {
      @Override
      public long getPos() throws IOException {
        return stream.getPos();
      }

      @Override
      public void seek(long newPos) throws IOException {
        guarded(
            () -> {
              stream.seek(newPos);
              return newPos;
            });
      }

      @Override
      public int read() throws IOException {
        return guarded(stream::read);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return guarded(() -> stream.read(b, off, len));
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    };
  }

  @Override
  public String location() {
    return file.location();
  }

  @Override
  public boolean exists() {
    return guarded(file::exists);
  }
}

package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.util.Tasks;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

class DeniedReadTest {
  /** A file whose every read fails as S3 answered {@code status}. */
  private static InputFile failing(int status) {
    S3Exception answer =
        (S3Exception) S3Exception.builder().statusCode(status).message("Access Denied").build();
    return new InputFile() {
      @Override
      public long getLength() {
        throw answer;
      }

      @Override
      public SeekableInputStream newStream() {
        return new SeekableInputStream() {
          @Override
          public long getPos() {
            return 0;
          }

          @Override
          public void seek(long newPos) {}

          @Override
          public int read() {
            throw answer;
          }
        };
      }

      @Override
      public String location() {
        return "s3://lake/t/metadata/00001-a.metadata.json";
      }

      @Override
      public boolean exists() {
        throw answer;
      }
    };
  }

  /** Iceberg's own retry loop of a metadata refresh gives up at once on a refusal. */
  @Test
  void aRefusedMetadataReadStopsIcebergsRetries() {
    InputFile file = new DeniedRead(failing(403));
    int[] attempts = {0};
    NotFoundException refused =
        assertThrows(
            NotFoundException.class,
            () ->
                Tasks.foreach(file)
                    .retry(20)
                    .exponentialBackoff(100, 5000, 600000, 4.0)
                    .throwFailureWhenFinished()
                    .stopRetryOn(NotFoundException.class)
                    .run(
                        f -> {
                          attempts[0]++;
                          try (SeekableInputStream in = f.newStream()) {
                            in.read();
                          } catch (IOException e) {
                            throw new IllegalStateException(e);
                          }
                        }));
    assertThat(attempts[0], is(1));
    assertThat(refused, instanceOf(DeniedRead.Refused.class));
    assertThat(refused.getCause(), instanceOf(S3Exception.class));
    assertThrows(DeniedRead.Refused.class, file::exists);
    assertThrows(DeniedRead.Refused.class, file::getLength);
  }

  /** Anything else is left to Iceberg's retries: a server error may pass. */
  @Test
  void otherFailuresAreLeftAsTheyAre() throws IOException {
    S3Exception serverError =
        assertThrows(S3Exception.class, () -> new DeniedRead(failing(503)).newStream().read());
    assertThat(serverError.statusCode(), is(503));
    IllegalStateException bug = new IllegalStateException("bug");
    assertThat(DeniedRead.translate(bug), sameInstance(bug));
  }

  @Test
  void onlyTableMetadataFilesAreWrapped() {
    assertThat(DeniedRead.isTableMetadata("s3://l/t/metadata/00003-x.metadata.json"), is(true));
    assertThat(DeniedRead.isTableMetadata("s3://l/t/metadata/snap-1-x.avro"), is(false));
    assertThat(DeniedRead.isTableMetadata("s3://l/t/data/x.parquet"), is(false));
  }
}

package dev.logberg.pipeline.storage;

import dev.logberg.pipeline.LogbergOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The local lake: an S3 server on loopback (kept in a folder between runs), the local inputs
 * uploaded to it, and the warehouse on it, so a newcomer can watch the S3 path (discovery, reading,
 * S3FileIO, upserts) work on a laptop.
 */
public final class LocalLake implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalLake.class);
  static final String INPUT_BUCKET = "spark-logs";
  static final String LAKE_BUCKET = "lake";

  private final LoopbackS3 s3;
  private final Path dir;
  private final List<String> inputs;

  private LocalLake(LoopbackS3 s3, Path dir, List<String> inputs) {
    this.s3 = s3;
    this.dir = dir;
    this.inputs = List.copyOf(inputs);
  }

  /**
   * Starts the server and uploads the local inputs. The options are left as given: a run takes the
   * lake's locations from {@link #inputs}, {@link #warehouse}, {@link #catalogUri} and {@link
   * #s3Settings} (see {@code RunConfig}).
   */
  public static LocalLake start(LogbergOptions options) {
    Path dir = Path.of(options.getLocalLakeDir()).toAbsolutePath();
    LoopbackS3 s3 = new LoopbackS3(dir.resolve("s3"));
    createBucket(s3, INPUT_BUCKET);
    createBucket(s3, LAKE_BUCKET);
    List<String> inputs = new ArrayList<>();
    for (String input : options.getInput()) {
      Path folder = Path.of(input).toAbsolutePath().normalize();
      String prefix = folder.getFileName() + "/";
      // Same names and sizes on every upload, so the folders' fingerprints, and the decisions, do
      // not change.
      s3.upload(folder, INPUT_BUCKET, prefix);
      inputs.add("s3://" + INPUT_BUCKET + "/" + prefix);
    }
    LocalLake lake = new LocalLake(s3, dir, inputs);
    LOG.info(
        "Local lake at {}: S3 on {}, input {}, warehouse {}",
        dir,
        s3.endpoint(),
        inputs,
        lake.warehouse());
    return lake;
  }

  /** The uploaded inputs, as s3:// locations on the lake. */
  public List<String> inputs() {
    return inputs;
  }

  public String warehouse() {
    return "s3://" + LAKE_BUCKET + "/warehouse";
  }

  /** A sqlite catalog kept in the lake's folder (the catalog type is jdbc). */
  public String catalogUri() {
    return "jdbc:sqlite:" + dir.resolve("catalog.db");
  }

  /** The loopback server: its endpoint, path-style addressing, its region. */
  public S3Settings s3Settings() {
    return s3.settings();
  }

  private static void createBucket(LoopbackS3 s3, String bucket) {
    try (S3Client client = s3.client()) {
      client.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // kept from an earlier run
    }
  }

  @Override
  public void close() throws Exception {
    s3.close();
  }
}

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

  private LocalLake(LoopbackS3 s3) {
    this.s3 = s3;
  }

  /** Starts the server, uploads the local inputs and rewrites the options to use it. */
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
    options.setInput(inputs);
    options.setWarehouse("s3://" + LAKE_BUCKET + "/warehouse");
    options.setCatalogType("jdbc");
    options.setCatalogUri("jdbc:sqlite:" + dir.resolve("catalog.db"));
    options.setS3Endpoint(s3.endpoint().toString());
    options.setS3PathStyleAccess(true);
    options.setRegion(LoopbackS3.REGION);
    LOG.info(
        "Local lake at {}: S3 on {}, input {}, warehouse {}",
        dir,
        s3.endpoint(),
        inputs,
        options.getWarehouse());
    return new LocalLake(s3);
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

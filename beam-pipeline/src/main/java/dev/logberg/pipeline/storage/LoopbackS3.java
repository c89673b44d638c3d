package dev.logberg.pipeline.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server (s3proxy) in this JVM on a random loopback port, for the local lake and the
 * tests. Its static credentials (a local secret, not an AWS one) are published as the AWS SDK's
 * system properties, so every client on the default chain (ours, Beam's, Iceberg's) authenticates.
 */
public final class LoopbackS3 implements AutoCloseable {
  public static final String REGION = "us-east-1";
  private static final String ACCESS_KEY = "logberg-local";
  private static final String SECRET_KEY = "logberg-local-secret";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  /**
   * @param dir where the server keeps its buckets (created if missing)
   */
  public LoopbackS3(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.region", REGION);
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
    // filesystem-nio2, not filesystem: the latter lists folders as objects ending in "/".
    context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    try {
      proxy.start();
      while (!"STARTED".equals(proxy.getState())) {
        Thread.sleep(10);
      }
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public S3Settings settings() {
    return new S3Settings(endpoint(), REGION, true);
  }

  /** The options that point Logberg at this server. */
  public String[] options() {
    return new String[] {"--s3Endpoint=" + endpoint(), "--s3PathStyleAccess", "--region=" + REGION};
  }

  public S3Client client() {
    return settings().client();
  }

  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  public void put(String bucket, String key, byte[] bytes) {
    try (S3Client s3 = client()) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }
  }

  /** Uploads every file below {@code dir} under {@code prefix}, keeping relative paths. */
  public void upload(Path dir, String bucket, String prefix) {
    try (S3Client s3 = client();
        Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String key = prefix + dir.relativize(file).toString().replace('\\', '/');
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}

package dev.logberg.pipeline.storage;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.upsert.SharedS3FileIO;
import java.io.Serializable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * How to reach S3 (or an S3-compatible store): region, an endpoint override and path-style
 * addressing. Credentials always come from the AWS default chain (EKS Pod Identity, IRSA,
 * environment, system properties), never from here.
 *
 * @param endpoint an endpoint override, e.g. {@code http://127.0.0.1:9000}; null for AWS
 * @param region null to let the default chain decide
 */
public record S3Settings(@Nullable URI endpoint, @Nullable String region, boolean pathStyle)
    implements Serializable {

  public static S3Settings fromOptions(LogbergOptions options) {
    return new S3Settings(
        options.getS3Endpoint() == null ? null : URI.create(options.getS3Endpoint()),
        options.getRegion(),
        options.getS3PathStyleAccess());
  }

  /** A client for listing; callers close it. */
  public S3Client client() {
    S3ClientBuilder builder = S3Client.builder().forcePathStyle(pathStyle);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (region != null) {
      builder.region(Region.of(region));
    }
    return builder.build();
  }

  /**
   * Catalog properties for an Iceberg warehouse on this store: S3FileIO (the variant that survives
   * Beam closing it), with the same endpoint, addressing and region. Credentials stay with the
   * default chain.
   */
  public Map<String, String> icebergProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("io-impl", SharedS3FileIO.class.getName());
    // Beam brings the SDK's Apache HTTP client; Iceberg's default (url-connection) is not on the
    // classpath.
    properties.put("http-client.type", "apache");
    if (endpoint != null) {
      properties.put("s3.endpoint", endpoint.toString());
    }
    if (pathStyle) {
      properties.put("s3.path-style-access", "true");
    }
    if (region != null) {
      properties.put("client.region", region);
    }
    return properties;
  }

  /** Points Beam's S3 filesystem, which reads the input files, at the same store. */
  public void applyTo(PipelineOptions options) {
    S3Options s3 = options.as(S3Options.class);
    if (endpoint != null) {
      s3.setEndpoint(endpoint);
    }
    if (region != null) {
      s3.setAwsRegion(Region.of(region));
    }
    if (pathStyle) {
      s3.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
    }
  }
}

package dev.logberg.pipeline.storage;

import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Names the operation and resource in the exception of every failed AWS call of the JVM: S3 answers
 * a refused HEAD with a bare 403, and an error body the SDK cannot read leaves only "Service
 * returned HTTP status code 403"; neither says what was asked, so neither says what to grant. The
 * SDK runs this for every client (ours, Beam's S3 filesystem, Iceberg's S3FileIO and GlueCatalog):
 * it is listed in {@code software/amazon/awssdk/global/handlers/execution.interceptors}. The
 * exception keeps its type, code, status and request id; its message gains {@code [Service
 * Operation on resource]}, which {@link AwsErrors} reads.
 */
public final class AwsFailureInterceptor implements ExecutionInterceptor {
  @Override
  public Throwable modifyException(
      Context.FailedExecution context, ExecutionAttributes attributes) {
    if (!(context.exception() instanceof AwsServiceException aws)) {
      return context.exception();
    }
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (service == null || operation == null) {
      return aws;
    }
    // The message without the SDK's "(Service: ..., Status Code: ...)", which getMessage() adds.
    String message = AwsErrors.text(aws);
    String resource = resource(service, context.request());
    return aws.toBuilder()
        .message(
            (message.isEmpty() ? "" : message + " ")
                + AwsErrors.callTag(service, operation, resource))
        .build();
  }

  /** What the request names: s3://bucket/key, "database d", "table d.t", or null. */
  static @Nullable String resource(String service, SdkRequest request) {
    Optional<String> bucket = request.getValueForField("Bucket", String.class);
    if (bucket.isPresent()) {
      Optional<String> key = request.getValueForField("Key", String.class);
      Optional<String> prefix = request.getValueForField("Prefix", String.class);
      return "s3://"
          + bucket.get()
          + "/"
          + key.orElse(prefix.orElse(""))
          + (key.isEmpty() && prefix.isPresent() ? " (listing)" : "");
    }
    if (service.equalsIgnoreCase("Glue")) {
      Optional<String> database = request.getValueForField("DatabaseName", String.class);
      Optional<String> name = request.getValueForField("Name", String.class);
      if (database.isPresent()) {
        return name.map(n -> "table " + database.get() + "." + n)
            .orElse("database " + database.get());
      }
      return name.map(n -> "database " + n).orElse(null);
    }
    return request.getValueForField("RoleArn", String.class).orElse(null);
  }
}

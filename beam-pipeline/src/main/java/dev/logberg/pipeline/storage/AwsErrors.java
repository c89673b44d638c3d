package dev.logberg.pipeline.storage;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Says what an AWS service refused, and for an access denial which permission to grant: an HTTP
 * status and a request id alone leave a user to guess. The error may lie anywhere in a cause chain
 * (Iceberg, Beam's PipelineExecutionException, a runner's job exception); where a runner carried it
 * across as text only (Flink's SerializedThrowable), its message is read instead. The operation and
 * resource come from IAM's own message where it names them ("not authorized to perform:
 * glue:GetTables on resource: ..."), otherwise from the tag {@link AwsFailureInterceptor} adds.
 */
public final class AwsErrors {
  /** Where the role and its policy are defined. */
  static final String WHERE = "deploy/iam (policy.json.tftpl)";

  /** The SDK's own suffix of a service error: "(Service: Glue, Status Code: 400, ...)". */
  private static final Pattern SDK_SUFFIX =
      Pattern.compile("\\(Service: ([\\w ]+), Status Code: (\\d+), Request ID: ([^,)]*)[^)]*\\)");

  /** IAM's denial names the action, and often the resource: "not authorized to perform: x:Y". */
  private static final Pattern ACTION =
      Pattern.compile("not authorized to perform: ([a-z0-9-]+:[A-Za-z0-9]+)");

  private static final Pattern RESOURCE = Pattern.compile("on resource: (arn:[^\\s\"]+)");

  /** {@link #callTag}'s form. */
  private static final Pattern CALL =
      Pattern.compile("\\[call: (\\S+) (\\w+)(?: on ([^\\]]+))?\\]");

  /**
   * The IAM action S3 checks for each operation Logberg's clients call (HEAD is authorised as
   * GetObject, listing as ListBucket, the parts of a multipart upload as PutObject).
   */
  private static final Map<String, String> S3_ACTIONS =
      Map.ofEntries(
          Map.entry("HeadObject", "s3:GetObject"),
          Map.entry("GetObject", "s3:GetObject"),
          Map.entry("ListObjectsV2", "s3:ListBucket"),
          Map.entry("ListObjects", "s3:ListBucket"),
          Map.entry("PutObject", "s3:PutObject"),
          Map.entry("CreateMultipartUpload", "s3:PutObject"),
          Map.entry("UploadPart", "s3:PutObject"),
          Map.entry("CompleteMultipartUpload", "s3:PutObject"),
          Map.entry("AbortMultipartUpload", "s3:AbortMultipartUpload"),
          Map.entry("DeleteObject", "s3:DeleteObject"),
          Map.entry("DeleteObjects", "s3:DeleteObject"));

  private AwsErrors() {}

  /** What {@link AwsFailureInterceptor} appends to a failed call's message. */
  static String callTag(String service, String operation, @Nullable String resource) {
    return "[call: "
        + service
        + " "
        + operation
        + (resource == null ? "" : " on " + resource)
        + "]";
  }

  /**
   * One line about the first AWS service error in {@code failure}'s causes, or empty when there is
   * none.
   */
  public static Optional<String> explain(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable e = failure; e != null && seen.add(e); e = e.getCause()) {
      if (e instanceof AwsServiceException aws) {
        AwsErrorDetails details = aws.awsErrorDetails();
        String service = details != null ? details.serviceName() : null;
        return Optional.of(
            explain(
                service == null ? "AWS" : service,
                aws.statusCode(),
                details != null ? details.errorCode() : null,
                text(aws),
                aws.requestId()));
      }
    }
    seen.clear();
    for (Throwable e = failure; e != null && seen.add(e); e = e.getCause()) {
      String text = String.valueOf(e.getMessage());
      Matcher suffix = SDK_SUFFIX.matcher(text);
      if (suffix.find()) {
        return Optional.of(
            explain(
                suffix.group(1),
                Integer.parseInt(suffix.group(2)),
                null,
                SDK_SUFFIX.matcher(text).replaceAll("").trim(),
                suffix.group(3)));
      }
    }
    return Optional.empty();
  }

  /** The error's message without the SDK's suffixes. */
  static String text(AwsServiceException aws) {
    return SDK_SUFFIX.matcher(String.valueOf(aws.getMessage())).replaceAll("").trim();
  }

  static String explain(
      String service,
      int status,
      @Nullable String code,
      String message,
      @Nullable String requestId) {
    Matcher call = CALL.matcher(message);
    boolean tagged = call.find();
    String text =
        tagged
            ? (message.substring(0, call.start()) + message.substring(call.end())).trim()
            : message;
    Matcher action = ACTION.matcher(text);
    Matcher arn = RESOURCE.matcher(text);
    String resource =
        arn.find()
            ? resourceName(arn.group(1))
            : tagged && call.group(3) != null ? call.group(3) : null;
    String permission =
        action.find() ? action.group(1) : tagged ? permission(service, call.group(2)) : null;
    String operation =
        tagged
            ? call.group(2)
            : permission != null ? permission.substring(permission.indexOf(':') + 1) : null;
    String what =
        (operation == null ? "the request" : operation)
            + (resource == null ? "" : " on " + resource);
    String details =
        "("
            + (code == null ? "" : code + ", ")
            + "HTTP "
            + status
            + ", request id "
            + requestId
            + ")";
    boolean denied =
        status == 403
            || (code != null && code.toLowerCase(Locale.ROOT).contains("accessdenied"))
            || action.find(0);
    if (!denied) {
      return service + " refused " + what + " " + details + (text.isEmpty() ? "" : ": " + text);
    }
    if (permission == null) {
      return service
          + " denied "
          + what
          + " "
          + details
          + (text.isEmpty() ? "" : ": " + text)
          + "; see "
          + WHERE
          + " for the permissions Logberg needs";
    }
    if (permission.startsWith("sts:")) {
      return service
          + " denied "
          + what
          + ": the role's trust policy must let the caller (EKS Pod Identity or IRSA) "
          + permission
          + "; see deploy/iam (main.tf) "
          + details;
    }
    return service
        + " denied "
        + what
        + ": grant "
        + permission
        + " to the role Logberg runs as"
        + (permission.equals("s3:ListBucket") ? " (with an s3:prefix condition covering it)" : "")
        + "; see "
        + WHERE
        + " "
        + details;
  }

  /** The IAM action an operation needs, where it is known. */
  static @Nullable String permission(String service, String operation) {
    return switch (service.toLowerCase(Locale.ROOT)) {
      case "s3" -> S3_ACTIONS.get(operation);
      case "glue" -> "glue:" + operation;
      case "sts" -> "sts:" + operation;
      case "kms" -> "kms:" + operation;
      default -> null;
    };
  }

  /** "database logs", "table logs.t", "the catalog", or the ARN itself. */
  static String resourceName(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) {
      return arn;
    }
    String resource = parts[5];
    if (parts[2].equals("glue")) {
      if (resource.equals("catalog")) {
        return "the catalog of account " + parts[4];
      }
      if (resource.startsWith("database/")) {
        return "database " + resource.substring("database/".length());
      }
      if (resource.startsWith("table/")) {
        return "table " + resource.substring("table/".length()).replace('/', '.');
      }
    }
    return arn;
  }
}

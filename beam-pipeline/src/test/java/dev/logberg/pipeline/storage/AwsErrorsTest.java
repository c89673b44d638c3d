package dev.logberg.pipeline.storage;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.StsException;

class AwsErrorsTest {
  private static final String GLUE_DENIAL =
      "User: arn:aws:sts::111122223333:assumed-role/logberg/pod is not authorized to perform:"
          + " glue:GetTables on resource: arn:aws:glue:eu-west-1:111122223333:database/logs"
          + " because no identity-based policy allows the glue:GetTables action";

  @Test
  void aGlueDenialDeepInABeamFailureNamesOperationResourceAndPermission() {
    GlueException denied =
        (GlueException)
            GlueException.builder()
                .statusCode(400)
                .requestId("req-1")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .serviceName("Glue")
                        .errorCode("AccessDeniedException")
                        .errorMessage(GLUE_DENIAL)
                        .build())
                .build();
    Throwable failure =
        new PipelineExecutionException(new IllegalStateException("commit failed", denied));

    assertThat(
        AwsErrors.explain(failure),
        is(
            Optional.of(
                "Glue denied GetTables on database logs: grant glue:GetTables to the role Logberg"
                    + " runs as; see deploy/iam (policy.json.tftpl) (AccessDeniedException, HTTP"
                    + " 400, request id req-1)")));
  }

  /**
   * A real refused HEAD (s3proxy, wrong secret): S3 sends no body, and the SDK's exception says
   * only "403". The interceptor the SDK loads for every client names the call.
   */
  @Test
  void aBareS3RefusalOfAHeadNamesTheObjectAndThePermission(@TempDir Path dir) throws Exception {
    try (LoopbackS3 s3 = new LoopbackS3(dir)) {
      s3.createBucket("lake");
      S3Exception refused;
      try (S3Client wrongKeys =
          S3Client.builder()
              .endpointOverride(s3.endpoint())
              .forcePathStyle(true)
              .region(Region.of(LoopbackS3.REGION))
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create("logberg-local", "not-the-secret")))
              .build()) {
        refused =
            assertThrows(
                S3Exception.class,
                () ->
                    wrongKeys.headObject(b -> b.bucket("lake").key("warehouse/t/data/x.parquet")));
      }
      assertThat(refused.statusCode(), is(403));
      assertThat(
          AwsErrors.explain(new RuntimeIOException(new java.io.IOException("HEAD", refused)))
              .orElseThrow(),
          startsWith(
              "S3 denied HeadObject on s3://lake/warehouse/t/data/x.parquet: grant s3:GetObject to"
                  + " the role Logberg runs as; see deploy/iam (policy.json.tftpl) (HTTP 403,"
                  + " request id "));
    }
  }

  @Test
  void anStsDenialPointsAtTheTrustPolicy() {
    StsException sts =
        (StsException)
            StsException.builder()
                .statusCode(403)
                .requestId("req-3")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .serviceName("Sts")
                        .errorCode("AccessDenied")
                        .errorMessage(
                            "User: arn:aws:iam::1:user/eks-auth is not authorized to perform:"
                                + " sts:AssumeRole")
                        .build())
                .build();
    assertThat(
        AwsErrors.explain(sts).orElseThrow(),
        startsWith(
            "Sts denied AssumeRole: the role's trust policy must let the caller (EKS Pod Identity or"
                + " IRSA) sts:AssumeRole; see deploy/iam (main.tf)"));
  }

  @Test
  void anErrorCarriedAsTextOnlyIsReadFromItsMessage() {
    // What Flink's SerializedThrowable keeps of an SDK exception: its message.
    RuntimeException text =
        new RuntimeException(
            "org.apache.flink.runtime.JobException: Recovery is suppressed",
            new RuntimeException(
                GLUE_DENIAL
                    + " (Service: Glue, Status Code: 400, Request ID: req-4) (SDK Attempt Count:"
                    + " 1)"));
    assertThat(
        AwsErrors.explain(text).orElseThrow(),
        startsWith("Glue denied GetTables on database logs: grant glue:GetTables"));
  }

  /** A 403 whose body the SDK could not read: the interceptor's tag still names the call. */
  @Test
  void aBare403FromGlueIsNamedByItsCall() {
    GlueException bare =
        (GlueException)
            GlueException.builder()
                .statusCode(403)
                .requestId("req-6")
                .message(
                    "Service returned HTTP status code 403 "
                        + AwsErrors.callTag("Glue", "DeleteTable", "table logs.t_staging_run"))
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Glue").build())
                .build();
    assertThat(
        AwsErrors.explain(bare),
        is(
            Optional.of(
                "Glue denied DeleteTable on table logs.t_staging_run: grant glue:DeleteTable to the"
                    + " role Logberg runs as; see deploy/iam (policy.json.tftpl) (HTTP 403, request"
                    + " id req-6)")));
  }

  @Test
  void anErrorThatIsNoDenialIsReportedAsItIs() {
    EntityNotFoundException missing =
        (EntityNotFoundException)
            EntityNotFoundException.builder()
                .statusCode(400)
                .requestId("req-5")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .serviceName("Glue")
                        .errorCode("EntityNotFoundException")
                        .errorMessage("Database logs not found.")
                        .build())
                .build();
    assertThat(
        AwsErrors.explain(missing),
        is(
            Optional.of(
                "Glue refused the request (EntityNotFoundException, HTTP 400, request id req-5):"
                    + " Database logs not found.")));
  }

  @Test
  void nothingToSayWithoutAnAwsError() {
    assertThat(
        AwsErrors.explain(new IllegalStateException("x", new RuntimeException("y"))),
        is(Optional.empty()));
  }

  @Test
  void glueResourcesAreNamedAsUsersKnowThem() {
    assertThat(
        AwsErrors.resourceName("arn:aws:glue:eu-west-1:1:table/logs/spark_logs"),
        is("table logs.spark_logs"));
    assertThat(
        AwsErrors.resourceName("arn:aws:glue:eu-west-1:1:catalog"), is("the catalog of account 1"));
    assertThat(
        AwsErrors.resourceName("arn:aws:s3:::lake/warehouse/x"),
        is("arn:aws:s3:::lake/warehouse/x"));
  }
}

package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsValidatorTest {
  @TempDir Path dir;

  private static LogbergOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(LogbergOptions.class);
  }

  @Test
  void acceptsGoodOptions() {
    assertDoesNotThrow(
        () ->
            OptionsValidator.validate(
                options("--input=" + dir, "--partitionBy=hour(timestamp)"), true));
  }

  @Test
  void reportsEveryProblemNamingItsOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OptionsValidator.validate(
                    options(
                        "--input=" + dir.resolve("missing"),
                        "--maxAttempts=0",
                        "--leaseMinutes=0",
                        "--table=bad-name",
                        "--partitionBy=day(nope)",
                        "--catalogType=rest",
                        "--reprocess=app-1",
                        "--catalogProperties=novalue",
                        "--maxLineBytes=10",
                        "--readGroups=-2"),
                    true));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("--input: folder " + dir.resolve("missing") + " does not exist"),
            containsString("--maxAttempts must be at least 1, got 0"),
            containsString("--leaseMinutes must be at least 1"),
            containsString("--table: 'bad-name' is not a plain identifier"),
            containsString("--partitionBy: partition term 'day(nope)': no column 'nope'"),
            containsString("--catalogUri is required with --catalogType=rest"),
            containsString("--reprocess: 'app-1' is not an application id"),
            containsString("--catalogProperties: 'novalue' is not key=value"),
            containsString("--maxLineBytes must be between"),
            containsString(
                "--readGroups must be 0 (one group per 64 MiB of input) or more, got -2")));
  }

  @Test
  void rejectsUnknownCatalogTypeBadS3LocationsAndEndpoints() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OptionsValidator.validate(
                    options(
                        "--input=s3://B_ad/logs,gs://bucket/x",
                        "--catalogType=hive",
                        "--s3Endpoint=localhost"),
                    true));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("--catalogType: unknown catalog type 'hive'"),
            containsString("--input: s3://B_ad/logs is not s3://bucket or s3://bucket/prefix"),
            containsString("--input: gs://bucket/x: use a local folder or s3://bucket/prefix"),
            containsString("--s3Endpoint: 'localhost' is not a URL like http://host:port")));
    assertDoesNotThrow(
        () ->
            OptionsValidator.validate(
                options(
                    "--input=s3://logs-bucket/spark-application-logs/team-a",
                    "--s3Endpoint=http://127.0.0.1:9000",
                    "--s3PathStyleAccess"),
                true));
  }

  @Test
  void verifyDoesNotNeedTheInput() {
    assertDoesNotThrow(
        () -> OptionsValidator.validate(options("--input=" + dir.resolve("missing")), false));
  }
}

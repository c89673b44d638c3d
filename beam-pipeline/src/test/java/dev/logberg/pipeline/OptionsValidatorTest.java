package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
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
                        "--heartbeatSeconds=0",
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
            containsString("--heartbeatSeconds must be at least 1"),
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
            containsString("--input: 's3://B_ad/logs' is not a local folder or s3://bucket/prefix"),
            containsString("--input: 'gs://bucket/x' is not a local folder or s3://bucket/prefix"),
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

  /** The formats are the declared ones ({@link Param#regex}), reported with their messages. */
  @Test
  void formatsAreTheDeclaredRegexes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OptionsValidator.validate(
                    options(
                        "--input=" + dir,
                        "--region=EU-WEST-1",
                        "--glueCatalogId=12345",
                        "--catalogUri=postgres-db",
                        "--reprocess=spark-ok,spark-a b",
                        "--catalogName=my catalog"),
                    true));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("--region: 'EU-WEST-1' is not an AWS region like eu-west-1"),
            containsString("--glueCatalogId: '12345' is not an AWS account id (12 digits)"),
            containsString("--catalogUri: 'postgres-db' is not a JDBC URL"),
            containsString("--reprocess: 'spark-a b' is not an application id"),
            containsString("--catalogName: 'my catalog' is not a plain identifier")));
    assertThat(e.getMessage().contains("spark-ok"), is(false));
    for (OptionDeclarations.Option option : OptionDeclarations.of(LogbergOptions.class)) {
      if (option.regex() != null && !option.mismatch().isEmpty()) {
        String bad = "bad value \u0001";
        assertThat(
            option.name(),
            option.problemWith(bad).orElseThrow(),
            equalTo("--" + option.name() + ": " + option.mismatch().replace("%s", bad)));
      }
    }
  }

  /** Locations the catalogs and listers take: file: URLs too. */
  @Test
  void acceptsFileUrls() {
    assertDoesNotThrow(
        () ->
            OptionsValidator.validate(
                options("--input=" + dir.toUri(), "--warehouse=file:" + dir.resolve("lake")),
                true));
  }
}

package dev.logberg.pipeline;

import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.PartitionSpecs;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Checks every option before anything runs and reports all problems at once, each naming its
 * option.
 */
public final class OptionsValidator {
  private static final Pattern S3_LOCATION =
      Pattern.compile("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MIN_LINE_BYTES = 1024;
  private static final int MAX_LINE_BYTES = 256 * 1024 * 1024;

  private OptionsValidator() {}

  /**
   * @param forRun also check what only a run needs (the input folders)
   * @throws IllegalArgumentException listing every problem found
   */
  public static void validate(LogbergOptions options, boolean forRun) {
    List<String> problems = new ArrayList<>();
    if (forRun) {
      checkInputs(problems, options.getInput());
      if (options.getLocalLake()
          && options.getInput() != null
          && options.getInput().stream().anyMatch(i -> i.contains("://"))) {
        problems.add(
            "--localLake uploads local --input folders; it cannot take " + options.getInput());
      }
    }
    check(
        problems,
        IDENTIFIER.matcher(options.getDatabase()).matches(),
        "--database: '"
            + options.getDatabase()
            + "' is not a plain identifier (letters, digits, _)");
    check(
        problems,
        IDENTIFIER.matcher(options.getTable()).matches(),
        "--table: '" + options.getTable() + "' is not a plain identifier (letters, digits, _)");
    check(
        problems,
        options.getResolveInProcessMaxRows() >= 0,
        "--resolveInProcessMaxRows must be 0 (always distribute) or more, got "
            + options.getResolveInProcessMaxRows());
    check(
        problems,
        options.getMaxAttempts() >= 1,
        "--maxAttempts must be at least 1, got " + options.getMaxAttempts());
    check(
        problems,
        options.getLeaseMinutes() >= 1,
        "--leaseMinutes must be at least 1, got " + options.getLeaseMinutes());
    check(
        problems,
        options.getProgressSeconds() >= 0,
        "--progressSeconds must be 0 (off) or more, got " + options.getProgressSeconds());
    check(
        problems,
        options.getReadGroups() >= 0,
        "--readGroups must be 0 (one group per 64 MiB of input) or more, got "
            + options.getReadGroups());
    check(
        problems,
        options.getMaxLineBytes() >= MIN_LINE_BYTES && options.getMaxLineBytes() <= MAX_LINE_BYTES,
        "--maxLineBytes must be between "
            + MIN_LINE_BYTES
            + " and "
            + MAX_LINE_BYTES
            + ", got "
            + options.getMaxLineBytes());
    if (options.getReprocess() != null) {
      for (String app : options.getReprocess()) {
        check(
            problems,
            app.startsWith("spark-"),
            "--reprocess: '" + app + "' is not an application id (spark-...)");
      }
    }
    if (options.getS3Endpoint() != null) {
      collect(
          problems,
          () -> {
            java.net.URI endpoint = java.net.URI.create(options.getS3Endpoint());
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
              throw new IllegalArgumentException(
                  "'" + options.getS3Endpoint() + "' is not a URL like http://host:port");
            }
          },
          "--s3Endpoint");
    }
    if (CatalogSpecs.REST.equalsIgnoreCase(options.getCatalogType())) {
      check(
          problems,
          options.getCatalogUri() != null,
          "--catalogUri is required with --catalogType=rest");
    }
    collect(
        problems,
        () -> PartitionSpecs.parse(options.getPartitionBy(), SparkLogsTable.SCHEMA),
        "--partitionBy");
    collect(problems, () -> CatalogSpecs.fromOptions(options), null);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid options:\n  - " + String.join("\n  - ", problems));
    }
  }

  private static void checkInputs(List<String> problems, List<String> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      problems.add("--input: give at least one folder");
      return;
    }
    for (String root : inputs) {
      if (root.startsWith("s3://")) {
        if (!S3_LOCATION.matcher(root).matches()) {
          problems.add("--input: " + root + " is not s3://bucket or s3://bucket/prefix");
        }
      } else if (root.contains("://") && !root.startsWith("file:")) {
        problems.add("--input: " + root + ": use a local folder or s3://bucket/prefix");
      } else if (!root.startsWith("file:") && !Files.isDirectory(Path.of(root))) {
        problems.add("--input: folder " + Path.of(root).toAbsolutePath() + " does not exist");
      }
    }
  }

  private static void check(List<String> problems, boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }

  /** Runs a parser that throws IllegalArgumentException and records its message. */
  private static void collect(List<String> problems, Runnable parse, @Nullable String option) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      problems.add(option == null ? e.getMessage() : option + ": " + e.getMessage());
    }
  }
}

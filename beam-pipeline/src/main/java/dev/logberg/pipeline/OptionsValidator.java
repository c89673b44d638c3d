package dev.logberg.pipeline;

import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.PartitionSpecs;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Checks every option before anything runs and reports all problems at once, each naming its
 * option. Formats come from the declarations ({@link Param#regex} on each getter of {@link
 * LogbergOptions}), the same the template spec and the README show; what a regex cannot say (a
 * folder exists, ranges, options that go together, partition terms naming real columns, the catalog
 * a combination of options describes) is checked here in code.
 */
public final class OptionsValidator {
  private static final int MIN_LINE_BYTES = 1024;
  private static final int MAX_LINE_BYTES = 256 * 1024 * 1024;

  /** The options {@link CatalogSpecs#fromOptions} reads: checked there only once well-formed. */
  private static final Set<String> CATALOG_OPTIONS =
      Set.of(
          "catalogType",
          "catalogName",
          "catalogUri",
          "catalogProperties",
          "glueCatalogId",
          "glueEndpoint",
          "warehouse",
          "region",
          "s3Endpoint");

  private OptionsValidator() {}

  /**
   * @param forRun also check what only a run needs (the input folders)
   * @throws IllegalArgumentException listing every problem found
   */
  public static void validate(LogbergOptions options, boolean forRun) {
    List<String> problems = new ArrayList<>();
    Set<String> malformed = new HashSet<>();
    for (OptionDeclarations.Option option : OptionDeclarations.of(LogbergOptions.class)) {
      if (option.name().equals("input") && !forRun) {
        continue;
      }
      List<String> found = option.problemsWith(value(options, option.name()));
      if (!found.isEmpty()) {
        malformed.add(option.name());
        problems.addAll(found);
      }
    }
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
        options.getResolveInProcessMaxRows() >= 0,
        "--resolveInProcessMaxRows must be 0 (always distribute) or more, got "
            + options.getResolveInProcessMaxRows());
    check(
        problems,
        options.getMaxAttempts() >= 1,
        "--maxAttempts must be at least 1, got " + options.getMaxAttempts());
    check(
        problems,
        options.getMaxApplications() >= 0,
        "--maxApplications must be 0 (no limit) or more, got " + options.getMaxApplications());
    check(
        problems,
        options.getHeartbeatSeconds() >= 1,
        "--heartbeatSeconds must be at least 1, got " + options.getHeartbeatSeconds());
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
    if (options.getS3Endpoint() != null && !malformed.contains("s3Endpoint")) {
      collect(problems, () -> URI.create(options.getS3Endpoint()), "--s3Endpoint");
    }
    if (CatalogSpecs.REST.equalsIgnoreCase(options.getCatalogType())) {
      check(
          problems,
          options.getCatalogUri() != null,
          "--catalogUri is required with --catalogType=rest");
    }
    if (!malformed.contains("partitionBy")) {
      collect(
          problems,
          () -> PartitionSpecs.parse(options.getPartitionBy(), SparkLogsTable.SCHEMA),
          "--partitionBy");
    }
    if (malformed.stream().noneMatch(CATALOG_OPTIONS::contains)) {
      collect(problems, () -> CatalogSpecs.fromOptions(options), null);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid options:\n  - " + String.join("\n  - ", problems));
    }
  }

  /**
   * The format checks of the options {@code declared} adds to {@link LogbergOptions} (a command's
   * own, such as {@code logs}' filters); nothing for {@link LogbergOptions} itself.
   *
   * @throws IllegalArgumentException listing every problem found
   */
  static void validateDeclared(Class<? extends LogbergOptions> declared, LogbergOptions options) {
    if (declared == LogbergOptions.class) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (OptionDeclarations.Option option : OptionDeclarations.of(declared)) {
      problems.addAll(option.problemsWith(value(declared, options, option.name())));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid options:\n  - " + String.join("\n  - ", problems));
    }
  }

  private static @Nullable Object value(LogbergOptions options, String name) {
    return value(LogbergOptions.class, options, name);
  }

  private static @Nullable Object value(
      Class<? extends LogbergOptions> declared, LogbergOptions options, String name) {
    try {
      return OptionDeclarations.getter(declared, name).invoke(options.as(declared));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read --" + name, e);
    }
  }

  /** What the format of --input cannot say: a local folder must exist. */
  private static void checkInputs(List<String> problems, List<String> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      problems.add("--input: give at least one folder");
      return;
    }
    for (String root : inputs) {
      if (!root.contains(":") && !Files.isDirectory(Path.of(root))) {
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

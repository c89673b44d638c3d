package dev.logberg.pipeline;

import dev.logberg.pipeline.read.FileGroups;
import dev.logberg.pipeline.status.DecisionPolicy;
import dev.logberg.pipeline.storage.LocalLake;
import dev.logberg.pipeline.storage.S3Settings;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.util.List;
import java.util.Set;

/**
 * What one run does, derived once from validated options (and, with {@code --localLake}, from the
 * started lake's locations) and passed to the graph. The options themselves are never changed after
 * parsing: anything a run computes (the job id, the lake's endpoints) lives here.
 *
 * @param inputs the folders to discover applications under
 * @param warehouse the warehouse location as given, for messages
 * @param catalog the catalog as the launching process opens it
 * @param s3 how s3:// input (and an S3 warehouse) is reached
 * @param heartbeatSeconds the interval of the run's heartbeat, which keeps its claims alive
 * @param upkeepAfterRun whether the run ends with upkeep of the tables where it is due
 * @param readGroups how many groups the files are read in; 0 to size them by {@code readGroupBytes}
 * @param readGroupBytes the bytes of a read group when {@code readGroups} is 0: few large groups on
 *     the DirectRunner, which holds a few chunks of each in memory, many small ones elsewhere,
 *     where groups are placed on workers at random (see {@code FileGroups})
 * @param keepFanOutsOnDisk whether collections with several consumers go through a shuffle first,
 *     on a runner that recomputes what its cache evicted (Spark; see {@code
 *     ParseLogLine#keptOnDisk})
 * @param context the run's id and start time
 */
public record RunConfig(
    List<String> inputs,
    String warehouse,
    CatalogSpec catalog,
    LogbergTables tables,
    String partitionBy,
    DecisionPolicy policy,
    S3Settings s3,
    long resolveInProcessMaxRows,
    int maxLineBytes,
    int readGroups,
    long readGroupBytes,
    int progressSeconds,
    int heartbeatSeconds,
    boolean upkeepAfterRun,
    boolean keepFanOutsOnDisk,
    RunContext context) {

  public RunConfig {
    inputs = List.copyOf(inputs);
  }

  /** The run {@code options} describe; they must have passed {@link OptionsValidator}. */
  public static RunConfig of(LogbergOptions options, RunContext context) {
    S3Settings s3 = S3Settings.fromOptions(options);
    return of(
        options,
        context,
        options.getInput(),
        options.getWarehouse(),
        CatalogSpecs.fromOptions(options),
        s3);
  }

  /**
   * The run of {@code options} on a started local lake: its uploaded inputs, its S3 warehouse and
   * sqlite catalog, its loopback S3 server.
   */
  public static RunConfig onLocalLake(LogbergOptions options, RunContext context, LocalLake lake) {
    CatalogSpec catalog =
        CatalogSpecs.of(
            options, CatalogSpecs.JDBC, lake.catalogUri(), lake.warehouse(), lake.s3Settings());
    return of(options, context, lake.inputs(), lake.warehouse(), catalog, lake.s3Settings());
  }

  /** This run without live progress lines: {@code watch} prints a line per run instead. */
  RunConfig withoutLiveProgress() {
    return new RunConfig(
        inputs,
        warehouse,
        catalog,
        tables,
        partitionBy,
        policy,
        s3,
        resolveInProcessMaxRows,
        maxLineBytes,
        readGroups,
        readGroupBytes,
        0,
        heartbeatSeconds,
        upkeepAfterRun,
        keepFanOutsOnDisk,
        context);
  }

  /** A size as {@link LogbergOptions#getMaxBytes} takes it: digits and an optional KB to TB. */
  static long bytes(String size) {
    String unit = size.replaceAll("[0-9]", "");
    long number = Long.parseLong(size.substring(0, size.length() - unit.length()));
    int power = List.of("", "KB", "MB", "GB", "TB").indexOf(unit);
    if (power < 0) {
      throw new IllegalArgumentException("not a size: " + size);
    }
    return Math.multiplyExact(number, 1L << (10 * power));
  }

  /** The four tables {@code --database} and {@code --table} name. */
  public static LogbergTables tablesOf(LogbergOptions options) {
    return new LogbergTables(options.getDatabase(), options.getTable());
  }

  /** The DirectRunner (and the tests' pipelines on it) holds each bundle's output in memory. */
  static boolean holdsBundlesInMemory(LogbergOptions options) {
    return options.getRunner().getSimpleName().contains("Direct");
  }

  /** The SparkRunner (and its test variants) recompute the cached blocks they evict. */
  static boolean recomputesEvicted(LogbergOptions options) {
    return options.getRunner().getSimpleName().contains("Spark");
  }

  private static RunConfig of(
      LogbergOptions options,
      RunContext context,
      List<String> inputs,
      String warehouse,
      CatalogSpec catalog,
      S3Settings s3) {
    return new RunConfig(
        inputs,
        warehouse,
        catalog,
        tablesOf(options),
        options.getPartitionBy(),
        new DecisionPolicy(
            options.getMaxAttempts(),
            options.getReprocessAll(),
            options.getReprocess() == null ? Set.of() : Set.copyOf(options.getReprocess()),
            options.getMaxApplications(),
            bytes(options.getMaxBytes())),
        s3,
        options.getResolveInProcessMaxRows(),
        options.getMaxLineBytes(),
        options.getReadGroups(),
        holdsBundlesInMemory(options) ? FileGroups.FEW_GROUP_BYTES : FileGroups.SPREAD_GROUP_BYTES,
        options.getProgressSeconds(),
        options.getHeartbeatSeconds(),
        options.getUpkeepAfterRun(),
        recomputesEvicted(options),
        context);
  }
}

package dev.logberg.pipeline.tables;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.RowSchemas;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Types;

/** The data table: one row per log line, merge key {@code event_id}. */
public final class SparkLogsTable {
  private SparkLogsTable() {}

  public static final String TIMESTAMP = "timestamp";
  public static final String LOG_LEVEL = "log_level";
  public static final String MESSAGE = "message";
  public static final String POD_NAME = "pod_name";
  public static final String NAMESPACE_NAME = "namespace_name";
  public static final String CONTAINER_NAME = "container_name";
  public static final String CONTAINER_IMAGE = "container_image";
  public static final String APP = "app";
  public static final String SPARK_APP_SELECTOR = "spark_app_selector";
  public static final String SPARK_APP_NAME = "spark_app_name";
  public static final String SPARK_ROLE = "spark_role";
  public static final String SPARK_VERSION = "spark_version";
  public static final String QUEUE = "queue";
  public static final String SUBMISSION_ID = "submission_id";
  public static final String NODE_NAME = "node_name";
  public static final String LOGGER = "logger";
  public static final String EVENT_ID = "event_id";
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE_NUMBER = "line_number";
  public static final String INGESTED_AT = "ingested_at";

  /** Iceberg schema; {@code timestamp} and {@code ingested_at} are timestamptz (microseconds). */
  public static final Schema SCHEMA =
      new Schema(
          Types.StructType.of(
                  required(1, TIMESTAMP, Types.TimestampType.withZone()),
                  optional(2, LOG_LEVEL, Types.StringType.get()),
                  required(3, MESSAGE, Types.StringType.get()),
                  optional(4, POD_NAME, Types.StringType.get()),
                  optional(5, NAMESPACE_NAME, Types.StringType.get()),
                  optional(6, CONTAINER_NAME, Types.StringType.get()),
                  optional(7, CONTAINER_IMAGE, Types.StringType.get()),
                  optional(8, APP, Types.StringType.get()),
                  required(9, SPARK_APP_SELECTOR, Types.StringType.get()),
                  optional(10, SPARK_APP_NAME, Types.StringType.get()),
                  optional(11, SPARK_ROLE, Types.StringType.get()),
                  optional(12, SPARK_VERSION, Types.StringType.get()),
                  optional(13, QUEUE, Types.StringType.get()),
                  optional(14, SUBMISSION_ID, Types.StringType.get()),
                  optional(15, NODE_NAME, Types.StringType.get()),
                  optional(16, LOGGER, Types.StringType.get()),
                  required(17, EVENT_ID, Types.StringType.get()),
                  required(18, SOURCE_FILE, Types.StringType.get()),
                  required(19, LINE_NUMBER, Types.LongType.get()),
                  required(20, INGESTED_AT, Types.TimestampType.withZone()))
              .fields(),
          Set.of(17));

  /**
   * One live row per line: a re-run's rows (later {@code ingested_at}) replace the earlier ones.
   */
  public static final MergeKeys MERGE_KEYS =
      MergeKeys.of(EVENT_ID).orderedBy(INGESTED_AT).withKeyDeterminedColumns(TIMESTAMP);

  /**
   * The order readers ask in: by application far more than by anything else, then pod and time
   * ({@code logs}, Athena's "one application's errors"). Compaction writes it (Beam's Managed
   * writer cannot sort), so min/max statistics of a sorted file's row groups skip the other
   * applications.
   */
  public static final SortOrder SORT_ORDER =
      SortOrder.builderFor(SCHEMA).asc(SPARK_APP_SELECTOR).asc(POD_NAME).asc(TIMESTAMP).build();

  /**
   * Row groups of the data table's sorted files, in uncompressed bytes (about 350 KB of zstd log
   * rows): small enough that one application's rows fill few of them, so statistics skip the rest
   * (Parquet's 128 MB default holds a whole compacted day), large enough that footers stay small (1
   * MiB made Spark SQL plan and open four times as many row groups for the same answer).
   * BENCHMARKS.md, "Layout for readers", has the measurement.
   */
  public static final long ROW_GROUP_BYTES = 4L << 20;

  /** Beam row schema of {@link #SCHEMA}: timestamps as INT64 microseconds since the epoch. */
  public static final org.apache.beam.sdk.schemas.Schema ROW_SCHEMA =
      RowSchemas.fromIceberg(SCHEMA);
}

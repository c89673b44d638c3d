package dev.logberg.pipeline.tables;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.logberg.upsert.MergeKeys;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The metadata table: the processing status of each application, merge key {@code
 * spark_app_selector}.
 */
public final class ProcessingMetadataTable {
  private ProcessingMetadataTable() {}

  public static final String SPARK_APP_SELECTOR = "spark_app_selector";
  public static final String SOURCE_PATH = "source_path";
  public static final String STATUS = "status";
  public static final String RECORDS_PROCESSED = "records_processed";
  public static final String RECORDS_REJECTED = "records_rejected";
  public static final String FILES = "files";
  public static final String BYTES = "bytes";
  public static final String FINGERPRINT = "fingerprint";
  public static final String ATTEMPTS = "attempts";
  public static final String PROCESSING_START_TIME = "processing_start_time";
  public static final String PROCESSING_END_TIME = "processing_end_time";
  public static final String ERROR_MESSAGE = "error_message";
  public static final String JOB_ID = "job_id";
  public static final String UPDATED_AT = "updated_at";

  public static final Schema SCHEMA =
      new Schema(
          Types.StructType.of(
                  required(1, SPARK_APP_SELECTOR, Types.StringType.get()),
                  required(2, SOURCE_PATH, Types.StringType.get()),
                  required(3, STATUS, Types.StringType.get()),
                  optional(4, RECORDS_PROCESSED, Types.LongType.get()),
                  optional(5, RECORDS_REJECTED, Types.LongType.get()),
                  required(6, FILES, Types.LongType.get()),
                  required(7, BYTES, Types.LongType.get()),
                  required(8, FINGERPRINT, Types.StringType.get()),
                  required(9, ATTEMPTS, Types.IntegerType.get()),
                  required(10, PROCESSING_START_TIME, Types.TimestampType.withZone()),
                  optional(11, PROCESSING_END_TIME, Types.TimestampType.withZone()),
                  optional(12, ERROR_MESSAGE, Types.StringType.get()),
                  required(13, JOB_ID, Types.StringType.get()),
                  required(14, UPDATED_AT, Types.TimestampType.withZone()))
              .fields(),
          Set.of(1));

  /** One live row per application: its latest status change. */
  public static final MergeKeys MERGE_KEYS = MergeKeys.of(SPARK_APP_SELECTOR).orderedBy(UPDATED_AT);
}

package dev.logberg.pipeline.tables;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.logberg.upsert.MergeKeys;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The files table: one row per landed log file, merge key {@code source_file}. It is what makes the
 * file, not the folder, the unit of progress: a run lands only the files of an application that
 * have no row here, or whose size changed.
 */
public final class FilesTable {
  private FilesTable() {}

  public static final String SOURCE_FILE = "source_file";
  public static final String SPARK_APP_SELECTOR = "spark_app_selector";
  public static final String BYTES = "bytes";
  public static final String ROWS = "rows";
  public static final String REJECTS = "rejects";
  public static final String JOB_ID = "job_id";
  public static final String LANDED_AT = "landed_at";

  /** Origin of a file landed by a run. */
  public static final String LANDED = "landed";

  /** Origin of a file an earlier release landed with its whole folder; its counts are unknown. */
  public static final String MIGRATED = "migrated";

  /**
   * How the row came to be: {@code landed} by a run, or {@code migrated} from an application that
   * an earlier release landed whole.
   */
  public static final String ORIGIN = "origin";

  public static final Schema SCHEMA =
      new Schema(
          Types.StructType.of(
                  required(1, SOURCE_FILE, Types.StringType.get()),
                  required(2, SPARK_APP_SELECTOR, Types.StringType.get()),
                  required(3, BYTES, Types.LongType.get()),
                  optional(4, ROWS, Types.LongType.get()),
                  optional(5, REJECTS, Types.LongType.get()),
                  required(6, JOB_ID, Types.StringType.get()),
                  required(7, LANDED_AT, Types.TimestampType.withZone()),
                  required(8, ORIGIN, Types.StringType.get()))
              .fields(),
          Set.of(1));

  /** One live row per file: its latest landing. */
  public static final MergeKeys MERGE_KEYS = MergeKeys.of(SOURCE_FILE).orderedBy(LANDED_AT);
}

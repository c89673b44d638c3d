package dev.logberg.pipeline.tables;

import static org.apache.iceberg.types.Types.NestedField.required;

import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.RowSchemas;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Lines that could not become rows, with the reason; merge key {@code source_file + line_number}.
 */
public final class RejectsTable {
  private RejectsTable() {}

  public static final String SPARK_APP_SELECTOR = "spark_app_selector";
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE_NUMBER = "line_number";
  public static final String REASON = "reason";
  public static final String RAW = "raw";
  public static final String INGESTED_AT = "ingested_at";

  /** Longest prefix of a rejected line kept in {@code raw}, in characters. */
  public static final int RAW_MAX_CHARS = 4096;

  public static final Schema SCHEMA =
      new Schema(
          Types.StructType.of(
                  required(1, SPARK_APP_SELECTOR, Types.StringType.get()),
                  required(2, SOURCE_FILE, Types.StringType.get()),
                  required(3, LINE_NUMBER, Types.LongType.get()),
                  required(4, REASON, Types.StringType.get()),
                  required(5, RAW, Types.StringType.get()),
                  required(6, INGESTED_AT, Types.TimestampType.withZone()))
              .fields(),
          Set.of(2, 3));

  /** One live row per rejected line. */
  public static final MergeKeys MERGE_KEYS =
      MergeKeys.of(SOURCE_FILE, LINE_NUMBER).orderedBy(INGESTED_AT);

  public static final org.apache.beam.sdk.schemas.Schema ROW_SCHEMA =
      RowSchemas.fromIceberg(SCHEMA);
}

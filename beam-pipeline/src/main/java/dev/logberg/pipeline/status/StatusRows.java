package dev.logberg.pipeline.status;

import static dev.logberg.pipeline.tables.ProcessingMetadataTable.*;

import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.AppFolder;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Builds the metadata table's rows: one per status change of an application. */
public final class StatusRows {
  private StatusRows() {}

  /**
   * Longest error message kept, in characters: enough for the cause, not for a whole stack trace.
   */
  static final int ERROR_MAX_CHARS = 2000;

  public static Row processing(PlannedRun run, RunContext context) {
    return row(
        run, context, ProcessingStatus.PROCESSING, null, null, null, context.startedAtMicros());
  }

  public static Row success(
      PlannedRun run, RunContext context, long records, long rejected, long endMicros) {
    return row(run, context, ProcessingStatus.SUCCESS, records, rejected, null, endMicros);
  }

  public static Row failed(
      PlannedRun run,
      RunContext context,
      long records,
      long rejected,
      String error,
      long endMicros) {
    return row(
        run, context, ProcessingStatus.FAILED, records, rejected, truncate(error), endMicros);
  }

  private static Row row(
      PlannedRun run,
      RunContext context,
      ProcessingStatus status,
      @Nullable Long records,
      @Nullable Long rejected,
      @Nullable String error,
      long updatedAtMicros) {
    AppFolder folder = run.folder();
    boolean finished = status != ProcessingStatus.PROCESSING;
    return Row.withSchema(ROW_SCHEMA)
        .withFieldValue(SPARK_APP_SELECTOR, folder.appId())
        .withFieldValue(SOURCE_PATH, folder.location())
        .withFieldValue(STATUS, status.name())
        .withFieldValue(RECORDS_PROCESSED, records)
        .withFieldValue(RECORDS_REJECTED, rejected)
        .withFieldValue(FILES, (long) folder.files().size())
        .withFieldValue(BYTES, folder.bytes())
        .withFieldValue(FINGERPRINT, folder.fingerprint())
        .withFieldValue(ATTEMPTS, run.attempt())
        .withFieldValue(PROCESSING_START_TIME, context.startedAtMicros())
        .withFieldValue(PROCESSING_END_TIME, finished ? updatedAtMicros : null)
        .withFieldValue(ERROR_MESSAGE, error)
        .withFieldValue(JOB_ID, context.jobId())
        .withFieldValue(UPDATED_AT, updatedAtMicros)
        .build();
  }

  private static @Nullable String truncate(@Nullable String error) {
    return error == null || error.length() <= ERROR_MAX_CHARS
        ? error
        : error.substring(0, ERROR_MAX_CHARS) + "...";
  }
}

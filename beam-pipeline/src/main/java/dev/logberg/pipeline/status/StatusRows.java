package dev.logberg.pipeline.status;

import static dev.logberg.pipeline.tables.ProcessingMetadataTable.*;

import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Builds the rows of the metadata table (one per status change of an application) and of the files
 * table, as Iceberg records: claims and statuses are committed with Iceberg's API, which Managed's
 * write cannot do conditionally.
 */
public final class StatusRows {
  private StatusRows() {}

  /**
   * Longest error message kept, in characters: enough for the cause, not for a whole stack trace.
   */
  static final int ERROR_MAX_CHARS = 2000;

  /** The claim: PROCESSING by this run. */
  public static Record processing(PlannedRun run, RunContext context, long nowMicros) {
    return row(run, context, ProcessingStatus.PROCESSING, null, null, null, nowMicros);
  }

  public static Record success(
      PlannedRun run, RunContext context, long records, long rejected, long endMicros) {
    return row(run, context, ProcessingStatus.SUCCESS, records, rejected, null, endMicros);
  }

  public static Record failed(
      PlannedRun run,
      RunContext context,
      long records,
      long rejected,
      String error,
      long endMicros) {
    return row(
        run, context, ProcessingStatus.FAILED, records, rejected, truncate(error), endMicros);
  }

  /**
   * A file's row in the files table.
   *
   * @param rows rows landed from it, null when migrated
   * @param rejects rejected lines, null when migrated
   */
  public static Record file(
      String appId,
      LogFile file,
      @Nullable Long rows,
      @Nullable Long rejects,
      String origin,
      RunContext context,
      long landedAtMicros) {
    Record record = GenericRecord.create(FilesTable.SCHEMA);
    record.setField(FilesTable.SOURCE_FILE, file.sourceFile());
    record.setField(FilesTable.SPARK_APP_SELECTOR, appId);
    record.setField(FilesTable.BYTES, file.size());
    record.setField(FilesTable.ROWS, rows);
    record.setField(FilesTable.REJECTS, rejects);
    record.setField(FilesTable.JOB_ID, context.jobId());
    record.setField(FilesTable.LANDED_AT, DateTimeUtil.timestamptzFromMicros(landedAtMicros));
    record.setField(FilesTable.ORIGIN, origin);
    return record;
  }

  private static Record row(
      PlannedRun run,
      RunContext context,
      ProcessingStatus status,
      @Nullable Long records,
      @Nullable Long rejected,
      @Nullable String error,
      long updatedAtMicros) {
    AppFolder folder = run.folder();
    boolean finished = status != ProcessingStatus.PROCESSING;
    Record record = GenericRecord.create(ProcessingMetadataTable.SCHEMA);
    record.setField(SPARK_APP_SELECTOR, folder.appId());
    record.setField(SOURCE_PATH, folder.location());
    record.setField(STATUS, status.name());
    record.setField(RECORDS_PROCESSED, records);
    record.setField(RECORDS_REJECTED, rejected);
    record.setField(FILES, (long) folder.files().size());
    record.setField(BYTES, folder.bytes());
    record.setField(FINGERPRINT, folder.fingerprint());
    record.setField(ATTEMPTS, run.attempt());
    record.setField(
        PROCESSING_START_TIME, DateTimeUtil.timestamptzFromMicros(context.startedAtMicros()));
    record.setField(
        PROCESSING_END_TIME, finished ? DateTimeUtil.timestamptzFromMicros(updatedAtMicros) : null);
    record.setField(ERROR_MESSAGE, error);
    record.setField(JOB_ID, context.jobId());
    record.setField(UPDATED_AT, DateTimeUtil.timestamptzFromMicros(updatedAtMicros));
    return record;
  }

  private static @Nullable String truncate(@Nullable String error) {
    return error == null || error.length() <= ERROR_MAX_CHARS
        ? error
        : error.substring(0, ERROR_MAX_CHARS) + "...";
  }
}

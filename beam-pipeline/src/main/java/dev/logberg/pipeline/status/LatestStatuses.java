package dev.logberg.pipeline.status;

import static dev.logberg.pipeline.tables.ProcessingMetadataTable.ATTEMPTS;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.FINGERPRINT;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.JOB_ID;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.RECORDS_PROCESSED;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.RECORDS_REJECTED;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.SPARK_APP_SELECTOR;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.STATUS;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.UPDATED_AT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.DateTimeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The latest status of each application in the metadata table. The table holds one live row per
 * application; should it hold several (a table written by other tools), the latest wins, and at the
 * same instant a finished status beats PROCESSING.
 */
public final class LatestStatuses {
  private LatestStatuses() {}

  /** Every application's latest status, at the table's current snapshot. */
  public static Map<String, AppStatus> read(Table metadata) {
    return read(metadata, null, null);
  }

  /**
   * The latest statuses of {@code apps} (all if null) at {@code snapshotId} (the current snapshot
   * if null). The filter is pushed into the scan.
   */
  static Map<String, AppStatus> read(
      Table metadata, @Nullable Collection<String> apps, @Nullable Long snapshotId) {
    Map<String, AppStatus> latest = new HashMap<>();
    if (apps != null && apps.isEmpty()) {
      return latest;
    }
    IcebergGenerics.ScanBuilder scan =
        IcebergGenerics.read(metadata)
            .select(
                SPARK_APP_SELECTOR,
                STATUS,
                FINGERPRINT,
                ATTEMPTS,
                UPDATED_AT,
                JOB_ID,
                RECORDS_PROCESSED,
                RECORDS_REJECTED);
    if (apps != null) {
      scan = scan.where(Expressions.in(SPARK_APP_SELECTOR, apps.toArray()));
    }
    if (snapshotId != null) {
      scan = scan.useSnapshot(snapshotId);
    }
    try (CloseableIterable<Record> records = scan.build()) {
      for (Record r : records) {
        AppStatus status =
            new AppStatus(
                (String) r.getField(SPARK_APP_SELECTOR),
                ProcessingStatus.valueOf((String) r.getField(STATUS)),
                (String) r.getField(FINGERPRINT),
                (Integer) r.getField(ATTEMPTS),
                DateTimeUtil.microsFromTimestamptz((OffsetDateTime) r.getField(UPDATED_AT)),
                (String) r.getField(JOB_ID),
                (Long) r.getField(RECORDS_PROCESSED),
                (Long) r.getField(RECORDS_REJECTED));
        latest.merge(status.appId(), status, LatestStatuses::later);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + metadata.name(), e);
    }
    return latest;
  }

  static AppStatus later(AppStatus a, AppStatus b) {
    if (a.updatedAtMicros() != b.updatedAtMicros()) {
      return a.updatedAtMicros() > b.updatedAtMicros() ? a : b;
    }
    return a.status() == ProcessingStatus.PROCESSING ? b : a;
  }
}

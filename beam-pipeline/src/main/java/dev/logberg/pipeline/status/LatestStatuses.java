package dev.logberg.pipeline.status;

import static dev.logberg.pipeline.tables.ProcessingMetadataTable.ATTEMPTS;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.FINGERPRINT;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.SPARK_APP_SELECTOR;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.STATUS;
import static dev.logberg.pipeline.tables.ProcessingMetadataTable.UPDATED_AT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * The latest status of each application in the metadata table. The table may hold several rows per
 * application (one per status change); the latest wins, and at the same instant a finished status
 * beats PROCESSING.
 */
public final class LatestStatuses {
  private LatestStatuses() {}

  public static Map<String, AppStatus> read(Table metadata) {
    Map<String, AppStatus> latest = new HashMap<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(metadata)
            .select(SPARK_APP_SELECTOR, STATUS, FINGERPRINT, ATTEMPTS, UPDATED_AT)
            .build()) {
      for (Record r : records) {
        AppStatus status =
            new AppStatus(
                (String) r.getField(SPARK_APP_SELECTOR),
                ProcessingStatus.valueOf((String) r.getField(STATUS)),
                (String) r.getField(FINGERPRINT),
                (Integer) r.getField(ATTEMPTS),
                DateTimeUtil.microsFromTimestamptz((OffsetDateTime) r.getField(UPDATED_AT)));
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

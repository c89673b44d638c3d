package dev.logberg.upsert;

import java.time.Duration;
import org.apache.iceberg.Table;

/**
 * Upkeep's snapshot expiry: snapshots older than the retention go, with the files only they
 * referenced, but the last {@code keepLast} always stay (a table idle for weeks keeps its history).
 */
final class SnapshotExpiry {
  private SnapshotExpiry() {}

  /** Expires the snapshots older than {@code retention} at {@code nowMillis}; how many went. */
  static int run(Table table, long nowMillis, Duration retention, int keepLast) {
    table.refresh();
    int before = size(table.snapshots());
    if (before == 0) {
      return 0;
    }
    table
        .expireSnapshots()
        .expireOlderThan(nowMillis - retention.toMillis())
        .retainLast(Math.max(1, keepLast))
        .cleanExpiredFiles(true)
        .commit();
    table.refresh();
    return before - size(table.snapshots());
  }

  private static int size(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}

package dev.logberg.pipeline.status;

import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.Publication;
import java.util.Collection;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/**
 * Commits claims, statuses and file rows with Iceberg's API: each is one data file and the deletes
 * of the rows it replaces, published in one commit (upsert/'s {@link Publication}), on behalf of
 * the run that makes it: a run fenced out of the table ({@link RunFencing}) commits nothing.
 */
final class TableCommits {
  private TableCommits() {}

  /**
   * Publishes {@code rows} only if no row for {@code keyValues} of {@code keyColumn} was committed
   * after {@code baseSnapshotId}: an exclusive claim. Throws Iceberg's {@code ValidationException}
   * or {@code CommitFailedException} if another run got there first.
   */
  static void publishIfUnchanged(
      String jobId,
      Table table,
      MergeKeys keys,
      List<Record> rows,
      long baseSnapshotId,
      String keyColumn,
      Collection<String> keyValues) {
    Publication.publishRecords(
        RunFencing.onBehalfOf(table, jobId),
        keys,
        rows,
        Publication.Validation.validated(
            baseSnapshotId, Expressions.in(keyColumn, keyValues.toArray())));
  }

  /** Publishes {@code rows}, recomputing and retrying when other commits come in between. */
  static void publish(String jobId, Table table, MergeKeys keys, List<Record> rows) {
    if (!rows.isEmpty()) {
      Publication.publishRecords(
          RunFencing.onBehalfOf(table, jobId), keys, rows, Publication.Validation.RETRY);
    }
  }
}

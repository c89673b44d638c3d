package dev.logberg.upsert;

import java.io.Serializable;
import org.apache.iceberg.catalog.TableIdentifier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What every transform of this library needs to resolve a table's merge keys, held once: the
 * catalog, the table, its keys, and how large a resolution may be to run inside one worker.
 *
 * @param inProcessMaxRows resolutions whose batch added at most this many rows run inside one
 *     worker; larger ones are distributed by key; 0 always distributes
 * @param runId the run the commits are made for ({@link Publication#onBehalfOf}), or null
 */
record UpsertTarget(
    CatalogSpec catalog,
    TableIdentifier table,
    MergeKeys keys,
    long inProcessMaxRows,
    @Nullable String runId)
    implements Serializable {
  UpsertTarget {
    if (inProcessMaxRows < 0) {
      throw new IllegalArgumentException(
          "inProcessMaxRows must be 0 or more, got " + inProcessMaxRows);
    }
  }

  UpsertTarget(CatalogSpec catalog, TableIdentifier table, MergeKeys keys, long inProcessMaxRows) {
    this(catalog, table, keys, inProcessMaxRows, null);
  }

  static UpsertTarget of(CatalogSpec catalog, TableIdentifier table, MergeKeys keys) {
    return new UpsertTarget(catalog, table, keys, ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS);
  }

  UpsertTarget withInProcessMaxRows(long rows) {
    return new UpsertTarget(catalog, table, keys, rows, runId);
  }

  UpsertTarget withKeyDeterminedColumns(String... columns) {
    return new UpsertTarget(
        catalog, table, keys.withKeyDeterminedColumns(columns), inProcessMaxRows, runId);
  }

  UpsertTarget onBehalfOf(String run) {
    return new UpsertTarget(catalog, table, keys, inProcessMaxRows, run);
  }

  /** The target as DoFns open it: fenced for {@link #runId} when there is one. */
  TableHandle handle() {
    return new TableHandle(catalog, table, runId);
  }
}

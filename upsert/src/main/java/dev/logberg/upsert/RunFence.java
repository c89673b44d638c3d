package dev.logberg.upsert;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Stops the commits of a run that lost its right to commit (its claims lapsed and another run took
 * them over): the run that takes over sets the table property {@code logberg.fenced.<run id>} on
 * every table the lapsed run writes, and a table opened on behalf of that run ({@link #onBehalfOf})
 * refuses every commit whose base metadata carries it.
 *
 * <p>The check is part of the commit itself: a catalog commit is a compare-and-swap from the base
 * metadata (JDBC, Glue, Hadoop), so a fence set after the base makes the swap fail, and Iceberg's
 * retry, based on the refreshed metadata, meets the fence. (A REST catalog applies a commit's
 * changes on its server's current metadata: there a fence set in the instant between the base and
 * the server's commit is not seen.)
 */
final class RunFence {
  /** Table property prefix: {@code logberg.fenced.<run id>} = the run that fenced it. */
  static final String PREFIX = "logberg.fenced.";

  private RunFence() {}

  /**
   * A commit refused because the table fences the run it was made for. Never retried; nothing of it
   * was committed, so Iceberg removes the manifests it wrote ({@link CleanableFailure}).
   */
  static final class FencedException extends IllegalStateException implements CleanableFailure {
    private static final long serialVersionUID = 1L;

    FencedException(String table, String runId, String fencedBy) {
      super(
          "run "
              + runId
              + " may no longer commit to "
              + table
              + ": run "
              + fencedBy
              + " took over its claims after its heartbeat lapsed");
    }
  }

  static Table onBehalfOf(Table table, String runId) {
    TableOperations ops = ((HasTableOperations) table).operations();
    if (ops instanceof FencedOperations) {
      return table;
    }
    return new BaseTable(new FencedOperations(ops, table.name(), runId), table.name());
  }

  static @Nullable String fencedBy(TableMetadata metadata, String runId) {
    return metadata.properties().get(PREFIX + runId);
  }

  /** Delegates everything, and checks the fence before each commit. */
  private static final class FencedOperations implements TableOperations {
    private final TableOperations delegate;
    private final String name;
    private final String runId;

    FencedOperations(TableOperations delegate, String name, String runId) {
      this.delegate = delegate;
      this.name = name;
      this.runId = runId;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      String fencedBy = base == null ? null : fencedBy(base, runId);
      if (fencedBy != null) {
        throw new FencedException(name, runId, fencedBy);
      }
      delegate.commit(base, metadata);
    }

    @Override
    public TableMetadata current() {
      return delegate.current();
    }

    @Override
    public TableMetadata refresh() {
      return delegate.refresh();
    }

    @Override
    public FileIO io() {
      return delegate.io();
    }

    @Override
    public EncryptionManager encryption() {
      return delegate.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName) {
      return delegate.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
      return delegate.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata) {
      return delegate.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId() {
      return delegate.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup() {
      return delegate.requireStrictCleanup();
    }
  }
}

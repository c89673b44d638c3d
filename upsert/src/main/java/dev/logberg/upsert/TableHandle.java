package dev.logberg.upsert;

import java.io.Serializable;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table as DoFns use it: opened once per DoFn instance (a table keeps using its catalog's
 * connections, so the catalog stays open with it) and closed at teardown.
 */
final class TableHandle implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TableHandle.class);

  private final CatalogSpec catalog;
  private final String table;
  private final @Nullable String runId;
  private transient @Nullable Catalog openCatalog;
  private transient @Nullable Table openTable;

  TableHandle(CatalogSpec catalog, TableIdentifier table) {
    this(catalog, table, null);
  }

  /**
   * @param runId commits through the table are made on behalf of this run ({@link
   *     Publication#onBehalfOf}); null: no fence
   */
  TableHandle(CatalogSpec catalog, TableIdentifier table, @Nullable String runId) {
    this.catalog = catalog;
    this.table = table.toString();
    this.runId = runId;
  }

  String name() {
    return table;
  }

  /** The table at its latest snapshot. */
  Table fresh() {
    if (openTable == null) {
      openCatalog = catalog.load();
      Table loaded = openCatalog.loadTable(TableIdentifier.parse(table));
      openTable = runId == null ? loaded : RunFence.onBehalfOf(loaded, runId);
    } else {
      openTable.refresh();
    }
    return openTable;
  }

  void close() {
    if (openCatalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("Closing the catalog of {} failed", table, e);
      }
    }
    openCatalog = null;
    openTable = null;
  }
}

package dev.logberg.pipeline.tables;

import dev.logberg.upsert.CatalogSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.ReplaceSortOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortField;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the namespace and the four tables before the job starts, or checks that existing ones
 * fit.
 *
 * <p>Done once at launch rather than by the writers: the metadata table must exist for the side
 * input to read it, timestamp columns must be timestamptz with microseconds (Beam would infer
 * another type), and parallel writers must not race to create a table.
 */
public final class TableSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TableSetup.class);

  // Beam 2.67's Managed writer does not apply table write properties (its Parquet files are gzip);
  // these serve the
  // table's other writers: the upsert resolver, compaction, and other engines.
  private static final Map<String, String> TABLE_PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_COMPRESSION, "zstd",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "50");

  private TableSetup() {}

  /** Attempts of the whole setup when runs that start together race to create the tables. */
  private static final int ATTEMPTS = 5;

  public static void ensureTables(CatalogSpec spec, LogbergTables tables, String partitionBy) {
    createLocalParents(spec);
    for (int attempt = 1; ; attempt++) {
      try {
        ensureTablesOnce(spec, tables, partitionBy);
        return;
      } catch (UncheckedSQLException | CommitFailedException e) {
        // A JDBC catalog on sqlite refuses a create that raced another process's (SQLITE_BUSY);
        // a new client then finds the table the other run made.
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        LOG.info("Creating the tables raced another run ({}); checking again", e.toString());
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1000L * attempt));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void ensureTablesOnce(CatalogSpec spec, LogbergTables tables, String partitionBy) {
    spec.apply(
        catalog -> {
          Namespace namespace = Namespace.of(tables.database());
          if (catalog instanceof SupportsNamespaces namespaces
              && !namespaces.namespaceExists(namespace)) {
            try {
              namespaces.createNamespace(namespace);
              LOG.info("Created namespace {}", namespace);
            } catch (AlreadyExistsException e) {
              // Another run started at the same time and made it first.
            }
          }
          ensure(
              catalog,
              tables.dataTable(),
              SparkLogsTable.SCHEMA,
              PartitionSpecs.parse(partitionBy, SparkLogsTable.SCHEMA));
          sortForReaders(catalog.loadTable(tables.dataTable()));
          ensure(
              catalog,
              tables.metadataTable(),
              ProcessingMetadataTable.SCHEMA,
              PartitionSpec.unpartitioned());
          ensure(
              catalog, tables.rejectsTable(), RejectsTable.SCHEMA, PartitionSpec.unpartitioned());
          ensure(catalog, tables.filesTable(), FilesTable.SCHEMA, PartitionSpec.unpartitioned());
          return null;
        });
  }

  private static void ensure(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (!catalog.tableExists(id)) {
      try {
        catalog
            .buildTable(id, schema)
            .withPartitionSpec(spec)
            .withProperties(TABLE_PROPERTIES)
            .create();
        LOG.info(
            "Created table {} partitioned by {}",
            id,
            spec.isUnpartitioned() ? "nothing" : spec.fields());
        return;
      } catch (AlreadyExistsException e) {
        // Another run started at the same time and made it first: check it like any other.
      }
    }
    Table table = catalog.loadTable(id);
    List<String> problems = new ArrayList<>();
    for (Types.NestedField wanted : schema.columns()) {
      Types.NestedField found = table.schema().findField(wanted.name());
      if (found == null) {
        problems.add("column " + wanted.name() + " is missing");
      } else if (!found.type().equals(wanted.type())) {
        problems.add(
            "column " + wanted.name() + " is " + found.type() + ", expected " + wanted.type());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "table "
              + id
              + " exists but does not fit Logberg: "
              + String.join("; ", problems)
              + ". Choose another --table or --database, or migrate the table.");
    }
    if (!layout(table.spec()).equals(layout(spec))) {
      LOG.warn(
          "Table {} exists with partition spec {}; keeping it (--partitionBy applies to new tables)",
          id,
          table.spec().fields());
    }
  }

  /**
   * Gives the data table its sort order and row-group size once (new tables, and tables from before
   * there was one): both are metadata only, applied when compaction rewrites files. A table with a
   * sort order of its own keeps it.
   */
  private static void sortForReaders(Table table) {
    if (table.sortOrder().isSorted()) {
      return;
    }
    Transaction layout = table.newTransaction();
    ReplaceSortOrder order = layout.replaceSortOrder();
    for (SortField field : SparkLogsTable.SORT_ORDER.fields()) {
      order.asc(SparkLogsTable.SCHEMA.findColumnName(field.sourceId()), field.nullOrder());
    }
    order.commit();
    layout
        .updateProperties()
        .set(
            TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
            String.valueOf(SparkLogsTable.ROW_GROUP_BYTES))
        .commit();
    try {
      layout.commitTransaction();
      LOG.info("Table {} sorted by {} when compacted", table.name(), table.sortOrder().fields());
    } catch (CommitFailedException e) {
      // Another run set it at the same time.
      table.refresh();
    }
  }

  /**
   * sqlite and a local warehouse need their folders; remote locations are the catalog's business.
   */
  private static void createLocalParents(CatalogSpec spec) {
    try {
      String warehouse = spec.properties().get("warehouse");
      if (warehouse != null && !warehouse.contains("://")) {
        Files.createDirectories(Path.of(warehouse));
      }
      String uri = spec.properties().get("uri");
      if (uri != null && uri.startsWith("jdbc:sqlite:")) {
        Path db = Path.of(uri.substring("jdbc:sqlite:".length()));
        if (db.getParent() != null) {
          Files.createDirectories(db.getParent());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local warehouse folders", e);
    }
  }

  private static List<String> layout(PartitionSpec spec) {
    return spec.fields().stream().map(f -> f.transform() + "(" + f.sourceId() + ")").toList();
  }
}

package dev.logberg.pipeline.report;

import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The content of the four tables as sorted text lines, without the columns that differ from run to
 * run (ingestion and processing times, job ids). Two deployments that landed the same input print
 * the same lines, whatever runner, parallelism or number of re-runs produced them: {@code dump}
 * prints it so such runs can be diffed.
 *
 * <p>The metadata table's {@code source_path} is kept: compare runs over the same input location.
 */
public final class CanonicalTables {
  private static final Set<String> RUN_DEPENDENT =
      Set.of(
          SparkLogsTable.INGESTED_AT,
          ProcessingMetadataTable.PROCESSING_START_TIME,
          ProcessingMetadataTable.PROCESSING_END_TIME,
          ProcessingMetadataTable.JOB_ID,
          ProcessingMetadataTable.UPDATED_AT,
          FilesTable.LANDED_AT);

  private CanonicalTables() {}

  /**
   * One header line per table (its compared columns), then one line per live row; sorted within
   * each table.
   */
  public static List<String> dump(CatalogSpec catalog, LogbergTables tables) {
    return catalog.apply(
        c -> {
          List<String> lines = new ArrayList<>();
          dump(c, tables.dataTable(), SparkLogsTable.SCHEMA, lines);
          dump(c, tables.metadataTable(), ProcessingMetadataTable.SCHEMA, lines);
          dump(c, tables.rejectsTable(), RejectsTable.SCHEMA, lines);
          dump(c, tables.filesTable(), FilesTable.SCHEMA, lines);
          return lines;
        });
  }

  private static void dump(Catalog catalog, TableIdentifier id, Schema schema, List<String> out) {
    String[] columns =
        schema.columns().stream()
            .map(Types.NestedField::name)
            .filter(name -> !RUN_DEPENDENT.contains(name))
            .toArray(String[]::new);
    out.add("# " + id.name() + "\t" + String.join("\t", columns));
    List<String> rows = new ArrayList<>();
    TableSummary.scan(
        catalog,
        id,
        record -> {
          StringBuilder line = new StringBuilder(id.name());
          for (String column : columns) {
            line.append('\t').append(escape(record.getField(column)));
          }
          rows.add(line.toString());
        },
        columns);
    rows.sort(null);
    out.addAll(rows);
  }

  /** Keeps one row on one line whatever its messages hold. */
  private static String escape(Object value) {
    if (value == null) {
      return "null";
    }
    return value
        .toString()
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r");
  }
}

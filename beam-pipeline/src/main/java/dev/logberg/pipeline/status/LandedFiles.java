package dev.logberg.pipeline.status;

import dev.logberg.pipeline.tables.FilesTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/** Reads what was landed of applications: their files-table rows, or for old ones, their rows. */
final class LandedFiles {
  private LandedFiles() {}

  /**
   * The files-table rows of {@code apps}, by application and source file. The filter is pushed into
   * the scan, so a run reads the state of the applications that changed, not of every file ever
   * landed.
   */
  static Map<String, Map<String, LandedFile>> read(Table files, Collection<String> apps) {
    Map<String, Map<String, LandedFile>> byApp = new HashMap<>();
    if (apps.isEmpty()) {
      return byApp;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(files)
            .select(
                FilesTable.SPARK_APP_SELECTOR,
                FilesTable.SOURCE_FILE,
                FilesTable.BYTES,
                FilesTable.ROWS,
                FilesTable.REJECTS)
            .where(Expressions.in(FilesTable.SPARK_APP_SELECTOR, apps.toArray()))
            .build()) {
      for (Record r : rows) {
        LandedFile file =
            new LandedFile(
                (String) r.getField(FilesTable.SOURCE_FILE),
                (Long) r.getField(FilesTable.BYTES),
                (Long) r.getField(FilesTable.ROWS),
                (Long) r.getField(FilesTable.REJECTS));
        byApp
            .computeIfAbsent(
                (String) r.getField(FilesTable.SPARK_APP_SELECTOR), a -> new HashMap<>())
            .put(file.sourceFile(), file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + files.name(), e);
    }
    return byApp;
  }

  /**
   * The source files that have landed rows or rejects of {@code app}: how an application landed by
   * a release without a files table is migrated when its folder's old files cannot be told by name
   * order. It reads two columns of the whole data table, once per such application.
   */
  static Set<String> withRows(Table data, Table rejects, String app) {
    Set<String> files = new HashSet<>();
    for (Table table : new Table[] {data, rejects}) {
      try (CloseableIterable<Record> rows =
          IcebergGenerics.read(table)
              .select(SparkLogsTable.SOURCE_FILE)
              // A file's identity starts with its application folder, whatever its lines say.
              .where(Expressions.startsWith(SparkLogsTable.SOURCE_FILE, app + "/"))
              .build()) {
        rows.forEach(r -> files.add((String) r.getField(SparkLogsTable.SOURCE_FILE)));
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + table.name(), e);
      }
    }
    return files;
  }
}

package dev.logberg.runners;

import dev.logberg.upsert.CatalogSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL over a warehouse's catalog: an engine of its own reading what the runs committed.
 * Read-only (no cache, no catalog DDL), local[1].
 */
final class SparkSql implements AutoCloseable {
  private final SparkSession spark;
  private final String catalog;

  SparkSql(CatalogSpec spec) {
    catalog = spec.name();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[1]")
            .appName("logberg-it")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC");
    String prefix = "spark.sql.catalog." + catalog;
    builder.config(prefix, "org.apache.iceberg.spark.SparkCatalog");
    spec.properties().forEach((k, v) -> builder.config(prefix + "." + k, v));
    builder.config(prefix + ".cache-enabled", "false");
    builder.config(prefix + ".jdbc.init-catalog-tables", "false");
    spark = builder.getOrCreate();
  }

  /** The single long of {@code query}, in which {@code %s} stands for {@code <catalog>.<table>}. */
  long number(String query, String table) {
    return spark.sql(String.format(query, catalog + "." + table)).first().getLong(0);
  }

  /** Each row of {@code query} as its columns' text, in {@code query}'s order. */
  List<List<String>> rows(String query) {
    return spark.sql(query).collectAsList().stream()
        .map(
            row -> {
              List<String> columns = new ArrayList<>();
              for (int i = 0; i < row.size(); i++) {
                columns.add(String.valueOf(row.get(i)));
              }
              return columns;
            })
        .toList();
  }

  @Override
  public void close() {
    spark.stop();
  }
}

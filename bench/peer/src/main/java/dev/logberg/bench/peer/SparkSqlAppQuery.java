package dev.logberg.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL's time for the question readers ask most: one application's lines (and one application
 * on one day), on the median-sized application of a Logberg data table. Prints tab-separated lines:
 * the filter, the median milliseconds of the timed queries, the rows they found.
 *
 * <pre>SparkSqlAppQuery --lake=DIR [--table=logs.spark_logs] [--reps=5] [--master=local[2]]</pre>
 */
public final class SparkSqlAppQuery {
  private SparkSqlAppQuery() {}

  public static void main(String[] args) {
    Map<String, String> options = LakeSession.options(args);
    Path lake = Path.of(options.get("lake")).toAbsolutePath();
    String table = "logberg." + options.getOrDefault("table", "logs.spark_logs");
    int reps = Integer.parseInt(options.getOrDefault("reps", "5"));
    SparkSession spark =
        LakeSession.builder(options, "logberg-bench-app-query", lake).getOrCreate();
    List<Row> apps =
        spark
            .sql(
                "SELECT spark_app_selector, count(*) AS n, to_date(min(timestamp)) AS day FROM "
                    + table
                    + " GROUP BY spark_app_selector ORDER BY n, spark_app_selector")
            .collectAsList();
    Row median = apps.get(apps.size() / 2);
    String app = median.getString(0);
    String byApp = "spark_app_selector = '" + app + "'";
    String byDay =
        byApp
            + " AND timestamp >= TIMESTAMP '"
            + median.get(2)
            + " 00:00:00' AND timestamp < TIMESTAMP '"
            + median.get(2)
            + " 00:00:00' + INTERVAL 1 DAY";
    for (String filter : List.of(byApp, byDay)) {
      String query = "SELECT count(*), sum(length(message)) FROM " + table + " WHERE " + filter;
      Row result = spark.sql(query).collectAsList().get(0); // warm-up
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        long started = System.nanoTime();
        result = spark.sql(query).collectAsList().get(0);
        millis.add((System.nanoTime() - started) / 1_000_000);
      }
      Collections.sort(millis);
      System.out.printf(
          "spark_sql\t%s\tmedian_ms\t%d\trows\t%d%n",
          filter.equals(byApp) ? "app" : "app_day",
          millis.get(millis.size() / 2),
          result.getLong(0));
    }
    spark.stop();
  }
}

package dev.logberg.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A full scan of a Logberg data table by Spark SQL with Iceberg's Spark runtime, an engine
 * independent of Logberg's: every column is read ({@code hash(*)}), deletes applied. Prints one
 * tab-separated line: median milliseconds of the timed scans, rows, distinct {@code event_id}s.
 *
 * <pre>SparkSqlScan --lake=DIR [--table=logs.spark_logs] [--reps=3] [--master=local[2]]</pre>
 *
 * {@code DIR} holds {@code catalog.db} (the sqlite catalog) and {@code warehouse/}, as Logberg's
 * default lake does.
 */
public final class SparkSqlScan {
  private SparkSqlScan() {}

  public static void main(String[] args) {
    Map<String, String> options = LakeSession.options(args);
    Path lake = Path.of(options.get("lake")).toAbsolutePath();
    String table = "logberg." + options.getOrDefault("table", "logs.spark_logs");
    int reps = Integer.parseInt(options.getOrDefault("reps", "3"));
    SparkSession spark = LakeSession.builder(options, "logberg-bench-scan", lake).getOrCreate();
    String query = "SELECT count(*), count(DISTINCT event_id), sum(hash(*)) FROM " + table;
    // Warm-up: class loading and the first planning.
    Row result = spark.sql(query).collectAsList().get(0);
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      long started = System.nanoTime();
      result = spark.sql(query).collectAsList().get(0);
      millis.add((System.nanoTime() - started) / 1_000_000);
    }
    Collections.sort(millis);
    System.out.printf(
        "%d\t%d\t%d%n", millis.get(millis.size() / 2), result.getLong(0), result.getLong(1));
    spark.stop();
  }
}

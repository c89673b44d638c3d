package dev.logberg.bench.peer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What the peer's programs share: {@code --name=value} arguments, and a Spark session whose catalog
 * {@code logberg} is the sqlite JDBC catalog of a Logberg lake ({@code catalog.db} beside {@code
 * warehouse/}, as Logberg's default lake is laid out).
 */
final class LakeSession {
  private LakeSession() {}

  /** The {@code --name=value} arguments by name. */
  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    return options;
  }

  /** A session over the lake in {@code lake}, on {@code --master} (default local[2]). */
  static SparkSession.Builder builder(Map<String, String> options, String appName, Path lake) {
    return SparkSession.builder()
        .master(options.getOrDefault("master", "local[2]"))
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.catalog.logberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.logberg.type", "jdbc")
        .config("spark.sql.catalog.logberg.uri", "jdbc:sqlite:" + lake.resolve("catalog.db"))
        .config("spark.sql.catalog.logberg.warehouse", lake.resolve("warehouse").toString())
        .config("spark.sql.catalog.logberg.jdbc.schema-version", "V1");
  }
}

package dev.logberg.pipeline.tables;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.storage.S3Settings;
import dev.logberg.upsert.CatalogSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Builds the {@link CatalogSpec} the options describe. */
public final class CatalogSpecs {
  private CatalogSpecs() {}

  public static final String JDBC = "jdbc";
  public static final String HADOOP = "hadoop";
  public static final String REST = "rest";
  public static final String GLUE = "glue";

  public static CatalogSpec fromOptions(LogbergOptions options) {
    return of(
        options,
        options.getCatalogType(),
        options.getCatalogUri(),
        options.getWarehouse(),
        S3Settings.fromOptions(options));
  }

  /**
   * The catalog of {@code options} with its location given apart: the local lake puts the warehouse
   * and catalog on its own S3 server without changing the options.
   *
   * @param s3 how the warehouse's store is reached (its region is also Glue's)
   */
  public static CatalogSpec of(
      LogbergOptions options,
      String catalogType,
      @Nullable String catalogUri,
      String warehouseLocation,
      S3Settings s3) {
    String type = catalogType.trim().toLowerCase(Locale.ROOT);
    String warehouse = absoluteIfLocal(warehouseLocation);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("type", type);
    properties.put("warehouse", warehouse);
    switch (type) {
      case JDBC -> {
        String uri = catalogUri != null ? catalogUri : defaultSqliteUri(warehouse);
        properties.put("uri", uri);
        // V1 adds the view columns; without it Iceberg 1.9 warns on every catalog start.
        properties.put("jdbc.schema-version", "V1");
        if (uri.startsWith("jdbc:sqlite:")) {
          // sqlite has one writer at a time: runs that overlap (and a run's heartbeat) wait for
          // the lock instead of failing with SQLITE_BUSY.
          properties.put("jdbc.busy_timeout", "60000");
        }
      }
      case REST -> properties.put("uri", catalogUri);
      case HADOOP -> {
        if (warehouse.contains("://")) {
          throw new IllegalArgumentException(
              "--catalogType=hadoop needs a local or HDFS --warehouse (it relies on atomic renames); use jdbc, rest or glue"
                  + " for "
                  + warehouse);
        }
      }
      case GLUE -> {
        putIfSet(properties, "glue.id", options.getGlueCatalogId());
        putIfSet(properties, "glue.endpoint", options.getGlueEndpoint());
        putIfSet(properties, "client.region", s3.region());
      }
      default ->
          throw new IllegalArgumentException("--catalogType: unknown catalog type '" + type + "'");
    }
    if (warehouse.startsWith("s3://")) {
      properties.putAll(s3.icebergProperties());
    }
    properties.putAll(
        CatalogSpec.parseProperties("--catalogProperties", options.getCatalogProperties()));
    return new CatalogSpec(options.getCatalogName(), properties);
  }

  private static void putIfSet(Map<String, String> properties, String key, @Nullable String value) {
    if (value != null) {
      properties.put(key, value);
    }
  }

  /** The embedded default: a sqlite catalog file beside a local warehouse folder. */
  private static String defaultSqliteUri(String warehouse) {
    if (warehouse.contains("://")) {
      throw new IllegalArgumentException(
          "--catalogUri is required with --catalogType=jdbc and a remote --warehouse ("
              + warehouse
              + ")");
    }
    return "jdbc:sqlite:" + Path.of(warehouse).resolveSibling("catalog.db");
  }

  /**
   * Workers may run in another working directory (Flink, Spark), so local paths are made absolute
   * here.
   */
  private static String absoluteIfLocal(String location) {
    if (location.contains("://") || location.startsWith("file:")) {
      return location;
    }
    return Path.of(location).toAbsolutePath().normalize().toString();
  }
}

package dev.logberg.upsert;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Iceberg tables live: a catalog name plus the properties {@link CatalogUtil} builds it
 * from.
 *
 * <p>Serializable so that DoFns can open the same catalog on any worker. Property values may hold
 * secrets (passwords, keys), so {@link #toString()} prints the keys only.
 */
public final class CatalogSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CatalogSpec.class);

  private final String name;
  private final TreeMap<String, String> properties;

  public CatalogSpec(String name, Map<String, String> properties) {
    this.name = Objects.requireNonNull(name, "catalog name");
    this.properties = new TreeMap<>(Objects.requireNonNull(properties, "catalog properties"));
  }

  /**
   * A JDBC catalog in the sqlite file {@code dir/catalog.db}, its warehouse in {@code
   * dir/warehouse}: the local lake of tests, benchmarks and laptops.
   */
  public static CatalogSpec sqlite(String name, Path dir) {
    return new CatalogSpec(
        name,
        Map.of(
            "type",
            "jdbc",
            "uri",
            "jdbc:sqlite:" + dir.resolve("catalog.db"),
            "warehouse",
            dir.resolve("warehouse").toString(),
            // V1 adds the view columns; without it Iceberg 1.9 warns on every catalog start.
            "jdbc.schema-version",
            "V1"));
  }

  /**
   * The spec pipeline workers use once the catalog was opened at launch: a JDBC catalog's own
   * tables exist by then, and parallel workers would race to create them ("iceberg_tables already
   * exists", or a locked sqlite file).
   */
  /**
   * Catalog properties given as {@code key=value} items on a command line, in order (a later key
   * wins); null gives none.
   *
   * @throws IllegalArgumentException naming {@code option} and the item that is not {@code
   *     key=value}
   */
  public static Map<String, String> parseProperties(String option, @Nullable List<String> items) {
    return KeyValues.parse(option, items);
  }

  public CatalogSpec forWorkers() {
    return "jdbc".equals(properties.get("type"))
        ? with(Map.of("jdbc.init-catalog-tables", "false"))
        : this;
  }

  public String name() {
    return name;
  }

  public Map<String, String> properties() {
    return java.util.Collections.unmodifiableMap(properties);
  }

  /** Returns a copy whose properties are these plus {@code overrides} (overrides win). */
  public CatalogSpec with(Map<String, String> overrides) {
    TreeMap<String, String> merged = new TreeMap<>(properties);
    merged.putAll(overrides);
    return new CatalogSpec(name, merged);
  }

  /**
   * This spec for a client none of whose tables outlive it, opened again and again (a heartbeat's):
   * its S3 FileIOs close with it. {@link SharedS3FileIO} never closes, for Beam's writers' sake
   * (see there), so each such client would otherwise leave an S3 client and its connections behind.
   */
  public CatalogSpec withClosingFileIO() {
    return SharedS3FileIO.class.getName().equals(properties.get("io-impl"))
        ? with(Map.of("io-impl", S3FileIO.class.getName()))
        : this;
  }

  /** Builds a new catalog client. Callers own it and close it if it is {@link AutoCloseable}. */
  public Catalog load() {
    return CatalogUtil.buildIcebergCatalog(name, properties, new Configuration());
  }

  /** Runs {@code work} with a new catalog client and closes the client afterwards. */
  public <T> T apply(Function<Catalog, T> work) {
    Catalog catalog = load();
    try {
      return work.apply(catalog);
    } finally {
      if (catalog instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.debug("Closing catalog {} failed", name, e);
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CatalogSpec other
        && name.equals(other.name)
        && properties.equals(other.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, properties);
  }

  @Override
  public String toString() {
    return "CatalogSpec{name=" + name + ", properties=" + properties.keySet() + "}";
  }
}

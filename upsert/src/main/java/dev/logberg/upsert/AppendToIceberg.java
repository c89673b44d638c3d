package dev.logberg.upsert;

import java.util.Map;
import org.apache.beam.sdk.managed.Managed;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Appends rows to an existing Iceberg table through {@code Managed.write(Managed.ICEBERG)}.
 *
 * <p>The output is Managed's {@code snapshots} collection: one row per committed snapshot.
 * Downstream steps wait on it ({@code Wait.on}) to order commits; it is empty when there was
 * nothing to write.
 */
final class AppendToIceberg extends PTransform<PCollection<Row>, PCollection<Row>> {
  private static final String SNAPSHOTS = "snapshots";

  private final CatalogSpec catalog;
  private final TableIdentifier table;

  private AppendToIceberg(CatalogSpec catalog, TableIdentifier table) {
    this.catalog = catalog;
    this.table = table;
  }

  static AppendToIceberg into(CatalogSpec catalog, TableIdentifier table) {
    return new AppendToIceberg(catalog, table);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Map<String, Object> config =
        Map.of(
            "table", table.toString(),
            "catalog_name", catalog.name(),
            "catalog_properties", catalog.properties());
    return PCollectionRowTuple.of("input", rows)
        .apply("ManagedIcebergWrite", Managed.write(Managed.ICEBERG).withConfig(config))
        .get(SNAPSHOTS);
  }
}

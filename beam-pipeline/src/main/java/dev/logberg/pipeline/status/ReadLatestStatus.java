package dev.logberg.pipeline.status;

import dev.logberg.upsert.CatalogSpec;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the metadata table into a side input: the latest status of every application seen before.
 *
 * <p>A table that cannot be read fails the job. Treating it as empty would reprocess every
 * application.
 */
public final class ReadLatestStatus
    extends PTransform<PBegin, PCollectionView<Map<String, AppStatus>>> {
  private final CatalogSpec catalog;
  private final TableIdentifier table;

  private ReadLatestStatus(CatalogSpec catalog, TableIdentifier table) {
    this.catalog = catalog;
    this.table = table;
  }

  public static ReadLatestStatus from(CatalogSpec catalog, TableIdentifier table) {
    return new ReadLatestStatus(catalog, table);
  }

  @Override
  public PCollectionView<Map<String, AppStatus>> expand(PBegin begin) {
    return begin
        .apply("Impulse", Impulse.create())
        .apply("ReadMetadataTable", ParDo.of(new ReadLatest(catalog, table.toString())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(AppStatus.class)))
        .apply("AsMap", View.asMap());
  }

  static final class ReadLatest extends DoFn<byte[], KV<String, AppStatus>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadLatest.class);
    private final CatalogSpec catalog;
    private final String table;

    ReadLatest(CatalogSpec catalog, String table) {
      this.catalog = catalog;
      this.table = table;
    }

    @ProcessElement
    public void process(OutputReceiver<KV<String, AppStatus>> out) {
      Map<String, AppStatus> latest;
      try {
        latest = catalog.apply(c -> LatestStatuses.read(c.loadTable(TableIdentifier.parse(table))));
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "cannot read the metadata table "
                + table
                + " ("
                + e
                + "); refusing to treat it as empty, which would"
                + " reprocess every application",
            e);
      }
      LOG.info("Metadata table {} knows {} applications", table, latest.size());
      latest.forEach((app, status) -> out.output(KV.of(app, status)));
    }
  }
}

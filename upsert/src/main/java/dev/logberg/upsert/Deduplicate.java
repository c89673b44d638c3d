package dev.logberg.upsert;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Maintenance command: leave one live row per merge key in an existing table, on any Beam runner.
 *
 * <pre>
 * Deduplicate --table=logs.spark_logs --mergeKeys=event_id --orderBy=ingested_at \
 *   --catalogName=logberg --catalogProperties=type=jdbc,uri=jdbc:sqlite:/path/catalog.db,warehouse=/path
 * </pre>
 */
public final class Deduplicate {
  private Deduplicate() {}

  /** Options of the command. */
  public interface Options extends PipelineOptions {
    @Description("The table to deduplicate, as namespace.table.")
    @Validation.Required
    String getTable();

    void setTable(String value);

    @Description("Merge-key columns, comma-separated.")
    @Validation.Required
    List<String> getMergeKeys();

    void setMergeKeys(List<String> value);

    @Description(
        "Order column: the row with its highest value stays (long, int, date or timestamp). "
            + "Without it the row of the latest commit stays.")
    String getOrderBy();

    void setOrderBy(String value);

    @Description(
        "Tables up to this many rows are deduplicated inside one worker; larger ones are distributed by key.")
    @Default.Long(ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS)
    long getInProcessMaxRows();

    void setInProcessMaxRows(long value);

    @Description("Iceberg catalog name.")
    @Default.String("logberg")
    String getCatalogName();

    void setCatalogName(String value);

    @Description(
        "Iceberg catalog properties as key=value, comma-separated (type, uri, warehouse, ...).")
    @Validation.Required
    List<String> getCatalogProperties();

    void setCatalogProperties(List<String> value);
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    PipelineResult result = run(options);
    if (result.getState() != PipelineResult.State.DONE) {
      System.err.println("Deduplication of " + options.getTable() + " ended " + result.getState());
      System.exit(1);
    }
    long deleted = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        MetricNameFilter.named(
                            ResolvePlans.METRICS_NAMESPACE, ResolvePlans.ROWS_DELETED))
                    .build())
            .getCounters()) {
      deleted += counter.getAttempted();
    }
    System.out.printf(
        "Deduplicated %s by %s: %,d rows deleted%n",
        options.getTable(), options.getMergeKeys(), deleted);
  }

  /** Builds and runs the pipeline to its end. */
  public static PipelineResult run(Options options) {
    MergeKeys keys = new MergeKeys(options.getMergeKeys(), options.getOrderBy());
    CatalogSpec catalog =
        new CatalogSpec(
            options.getCatalogName(),
            KeyValues.parse("--catalogProperties", options.getCatalogProperties()));
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(
        "Deduplicate",
        DeduplicateTable.of(catalog, TableIdentifier.parse(options.getTable()), keys)
            .withInProcessMaxRows(options.getInProcessMaxRows()));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    return result;
  }
}

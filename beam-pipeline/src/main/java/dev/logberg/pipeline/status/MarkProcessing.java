package dev.logberg.pipeline.status;

import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.TableWriters;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Records PROCESSING for every application this run takes, before any of its data is written. The
 * row replaces the application's previous status. The output is the committed resolution, for the
 * next steps to wait on.
 */
public final class MarkProcessing extends PTransform<PCollection<PlannedRun>, PCollection<Row>> {
  private final TableWriters writers;
  private final TableIdentifier table;
  private final RunContext context;

  private MarkProcessing(TableWriters writers, TableIdentifier table, RunContext context) {
    this.writers = writers;
    this.table = table;
    this.context = context;
  }

  public static MarkProcessing in(TableWriters writers, TableIdentifier table, RunContext context) {
    return new MarkProcessing(writers, table, context);
  }

  @Override
  public PCollection<Row> expand(PCollection<PlannedRun> runs) {
    RunContext run = context;
    return runs.apply(
            "ToStatusRows",
            MapElements.into(TypeDescriptors.rows())
                .via((PlannedRun r) -> StatusRows.processing(r, run)))
        .setRowSchema(ProcessingMetadataTable.ROW_SCHEMA)
        .apply("WriteMetadata", new WriteStatusRows(writers, table));
  }
}

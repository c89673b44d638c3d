package dev.logberg.pipeline.status;

import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.TableWriters;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Upserts a run's status rows into the metadata table from one bundle. They are one row per
 * application, and a runner that makes a bundle of each (the DirectRunner does) would otherwise
 * write a data file per application on every commit, which every later status read and resolution
 * opens.
 */
final class WriteStatusRows extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final TableWriters writers;
  private final TableIdentifier table;

  WriteStatusRows(TableWriters writers, TableIdentifier table) {
    this.writers = writers;
    this.table = table;
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    return rows.apply(
            "OneKey", WithKeys.<Integer, Row>of(0).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()))
        .apply("Gather", GroupByKey.create())
        .apply("Rows", Values.create())
        .apply("OneBundle", Flatten.iterables())
        .setRowSchema(ProcessingMetadataTable.ROW_SCHEMA)
        .apply("Upsert", writers.upsert(table, ProcessingMetadataTable.MERGE_KEYS));
  }
}

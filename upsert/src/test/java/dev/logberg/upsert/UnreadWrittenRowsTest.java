package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Managed's Iceberg write on the DirectRunner, with and without a step that reads the rows it
 * wrote: only an output nobody reads is emptied, and the table gets every row either way.
 */
class UnreadWrittenRowsTest {
  private static final org.apache.beam.sdk.schemas.Schema ROW =
      RowSchemas.fromIceberg(TestLake.SCHEMA);
  private static final int ROWS = 250;

  @TempDir Path dir;

  @Test
  void theWriteNoLongerEmitsRowsNoStepReads() throws IOException {
    TestLake lake = new TestLake(dir);
    lake.create("unread", 2, true);
    Pipeline pipeline = writeRows("unread", lake);

    assertThat(UnreadWrittenRows.dropFrom(pipeline), is(1));
    // Read only after the replacement, to see what the replaced step emits.
    PAssert.that(writtenRows(pipeline).apply(Count.globally())).containsInAnyOrder(0L);
    pipeline.run().waitUntilFinish();

    assertThat(ids(lake, "unread"), containsInAnyOrder(expectedIds()));
  }

  @Test
  void writtenRowsThatAStepReadsStay() throws IOException {
    TestLake lake = new TestLake(dir);
    lake.create("read", 2, true);
    Pipeline pipeline = writeRows("read", lake);
    PAssert.that(writtenRows(pipeline).apply(Count.globally())).containsInAnyOrder((long) ROWS);

    assertThat(UnreadWrittenRows.dropFrom(pipeline), is(0));
    pipeline.run().waitUntilFinish();

    assertThat(ids(lake, "read"), containsInAnyOrder(expectedIds()));
  }

  private static Pipeline writeRows(String table, TestLake lake) {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    List<Row> rows =
        IntStream.range(0, ROWS)
            .mapToObj(
                i ->
                    Row.withSchema(ROW)
                        .addValues("k" + i, "v", i * 1_000_000L, "p" + i % 3)
                        .build())
            .toList();
    pipeline
        .apply(Create.of(rows).withRowSchema(ROW))
        .apply(AppendToIceberg.into(lake.workerSpec, TableIdentifier.of("db", table)));
    return pipeline;
  }

  /** The output of Managed's file-writing step that carries each row it wrote. */
  @SuppressWarnings("unchecked")
  private static PCollection<Row> writtenRows(Pipeline pipeline) {
    List<PCollection<Row>> found = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(
              org.apache.beam.sdk.values.PValue value, TransformHierarchy.Node producer) {
            if (value.getName().endsWith("." + UnreadWrittenRows.WRITTEN_ROWS)) {
              found.add((PCollection<Row>) value);
            }
          }
        });
    assertThat("one written-rows output", found.size(), is(1));
    return found.get(0);
  }

  private static String[] expectedIds() {
    return IntStream.range(0, ROWS).mapToObj(i -> "k" + i).toArray(String[]::new);
  }

  private static List<String> ids(TestLake lake, String table) throws IOException {
    List<String> ids = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(lake.load(table)).build()) {
      records.forEach(r -> ids.add((String) r.getField("id")));
    }
    return ids;
  }
}

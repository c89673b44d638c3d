package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transform in a Beam pipeline on the DirectRunner: Managed append, then resolution in the same
 * graph.
 */
class UpsertIntoIcebergTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");
  private static final org.apache.beam.sdk.schemas.Schema ROW =
      RowSchemas.fromIceberg(TestLake.SCHEMA);
  private static int tables;

  @TempDir Path dir;

  private static Row row(String id, String value, long seconds, String part) {
    return Row.withSchema(ROW).addValues(id, value, seconds * 1_000_000L, part).build();
  }

  /**
   * 0 forces the distributed resolution (GroupByKey by key); the default resolves these small plans
   * in-process.
   */
  private static final long DISTRIBUTED = 0;

  private static final long IN_PROCESS = ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS;

  private static void upsert(
      TestLake lake, TableIdentifier id, long inProcessMaxRows, Row... rows) {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply(Create.of(List.of(rows)).withRowSchema(ROW))
        .apply(
            UpsertIntoIceberg.into(lake.workerSpec, id, KEYS)
                .withInProcessMaxRows(inProcessMaxRows));
    pipeline.run().waitUntilFinish();
  }

  @ParameterizedTest(name = "format v{0}, in-process up to {1} rows")
  @CsvSource({"2, 0", "3, 0", "2, 2000000", "3, 2000000"})
  void everyRunLeavesOneLiveRowPerKey(int version, long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    // Beam caches tables per JVM by identifier: every test writes a table of its own name.
    String name = "t" + (++tables);
    Table table = lake.create(name, version, true);
    TableIdentifier id = TableIdentifier.of("db", name);

    upsert(
        lake,
        id,
        inProcessMaxRows,
        row("a", "a1", 10, "x"),
        row("a", "a2", 20, "y"),
        row("b", "b1", 10, "x"));
    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b1")));

    upsert(
        lake,
        id,
        inProcessMaxRows,
        row("b", "b2", 30, "y"),
        row("c", "c1", 30, "x"),
        row("a", "a0", 5, "x"));
    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));

    // The same batch again (a re-run) changes nothing that a reader sees.
    upsert(lake, id, inProcessMaxRows, row("b", "b2", 30, "y"), row("c", "c1", 30, "x"));
    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b2", "c", "c1")));
    assertThat(TestLake.liveCount(table), is(3L));
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void aCommitBetweenAppendAndResolutionIsDetectedInTheGraphAndTheResultStaysExact(
      long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = "t" + (++tables);
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    MergeKeyResolver.resolveAppends(
        table,
        KEYS,
        List.of(
            TestLake.append(
                table, TestLake.row("a", "a1", 10, "x"), TestLake.row("b", "b1", 10, "x"))));
    long ours = TestLake.append(table, TestLake.row("a", "a2", 20, "x"));
    ResolutionPlan plan = ResolutionPlan.forAppends(table, KEYS, List.of(ours));
    // Another writer commits newer rows after the plan was made, before the graph commits its
    // deletes.
    TestLake.append(
        lake.load(name), TestLake.row("a", "a3", 30, "x"), TestLake.row("b", "b3", 30, "x"));

    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> result =
        pipeline
            .apply(Create.of(plan).withCoder(SerializableCoder.of(ResolutionPlan.class)))
            .apply(ResolvePlans.of(new UpsertTarget(lake.workerSpec, id, KEYS, inProcessMaxRows)));
    // The graph's own result (only a1 loses, to a2) is stale; the recomputation deletes a1, a2 and
    // b1.
    PAssert.that(result)
        .satisfies(
            rows -> {
              Row only = rows.iterator().next();
              assertThat(only.getInt64("deleted_rows"), is(3L));
              return null;
            });
    pipeline.run().waitUntilFinish();
    assertThat(TestLake.live(table), is(Map.of("a", "a3", "b", "b3")));
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void aManyKeyBatchAgainstAnExistingTableIsExact(long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = "t" + (++tables);
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    Row[] first = new Row[2000];
    for (int i = 0; i < first.length; i++) {
      first[i] = row("k" + i, "v1", 100, "x");
    }
    upsert(lake, id, inProcessMaxRows, first);
    Row[] second = new Row[500];
    for (int i = 0; i < second.length; i++) {
      second[i] = row("k" + (i * 4), "v2", 200, "x");
    }
    upsert(lake, id, inProcessMaxRows, second);
    Map<String, String> live = TestLake.live(table);
    assertThat(live.size(), is(2000));
    assertThat(live.values().stream().filter("v2"::equals).count(), is(500L));
    assertThat(live.get("k4"), is("v2"));
    assertThat(live.get("k5"), is("v1"));
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void declaredKeyDeterminedColumnsLimitTheFilesReadToTheBatchsDays(long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = "t" + (++tables);
    Table table =
        lake.create(name, 2, PartitionSpec.builderFor(TestLake.SCHEMA).day("ts").build(), Map.of());
    TableIdentifier id = TableIdentifier.of("db", name);
    long day = 86_400;
    upsertDeclared(
        lake, id, inProcessMaxRows, row("a", "a1", day, "x"), row("b", "b1", day + 1, "x"));
    upsertDeclared(
        lake, id, inProcessMaxRows, row("c", "c1", 2 * day, "x"), row("d", "d1", 3 * day, "x"));

    // "b" again with its own time (day 1): only day 1's file may hold it.
    PipelineResult result =
        upsertDeclared(lake, id, inProcessMaxRows, row("b", "b2", day + 1, "x"));
    assertThat(TestLake.live(table), is(Map.of("a", "a1", "b", "b2", "c", "c1", "d", "d1")));
    assertThat(counter(result, ResolvePlans.EXISTING_FILES_READ), is(1L));
  }

  private static PipelineResult upsertDeclared(
      TestLake lake, TableIdentifier id, long inProcessMaxRows, Row... rows) {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply(Create.of(List.of(rows)).withRowSchema(ROW))
        .apply(
            UpsertIntoIceberg.into(lake.workerSpec, id, MergeKeys.of("id"))
                .withKeyDeterminedColumns("ts")
                .withInProcessMaxRows(inProcessMaxRows));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    return result;
  }

  private static long counter(PipelineResult result, String name) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ResolvePlans.METRICS_NAMESPACE, name))
                    .build());
    long total = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}

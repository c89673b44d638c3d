package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transform in a Beam pipeline on the DirectRunner: Managed writes the batch into a staging
 * table, and the graph publishes it into the target.
 */
class UpsertIntoIcebergTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");
  private static final org.apache.beam.sdk.schemas.Schema ROW =
      RowSchemas.fromIceberg(TestLake.SCHEMA);
  private static int tables;
  private static int runs;

  @TempDir Path dir;

  /** Beam caches tables per JVM by identifier: every test writes a table of its own name. */
  private static String nextTable() {
    tables++;
    return "t" + tables;
  }

  /** A run id of its own, so that each run stages into a table of its own name. */
  private static String nextRun() {
    runs++;
    return "run" + runs;
  }

  private static Row row(String id, String value, long seconds, String part) {
    return Row.withSchema(ROW).addValues(id, value, seconds * 1_000_000L, part).build();
  }

  /**
   * 0 forces the distributed resolution (GroupByKey by key); the default resolves these small plans
   * in-process.
   */
  private static final long DISTRIBUTED = 0;

  private static final long IN_PROCESS = ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS;

  /**
   * One run: a staging table of its own (Beam caches tables per JVM by identifier: every run stages
   * into a table of its own name), dropped when the pipeline is done.
   */
  private static PipelineResult upsert(
      TestLake lake, TableIdentifier id, UpsertOptions options, Row... rows) {
    TableIdentifier staging = StagingTable.create(lake.catalog(), id, nextRun());
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    UpsertIntoIceberg upsert =
        UpsertIntoIceberg.into(lake.workerSpec, id, staging, options.keys)
            .withInProcessMaxRows(options.inProcessMaxRows);
    if (options.keyDetermined != null) {
      upsert = upsert.withKeyDeterminedColumns(options.keyDetermined);
    }
    pipeline.apply(Create.of(List.of(rows)).withRowSchema(ROW)).apply(upsert);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    StagingTable.drop(lake.catalog(), staging);
    return result;
  }

  private record UpsertOptions(MergeKeys keys, long inProcessMaxRows, String keyDetermined) {
    static UpsertOptions of(long inProcessMaxRows) {
      return new UpsertOptions(KEYS, inProcessMaxRows, null);
    }
  }

  @ParameterizedTest(name = "format v{0}, in-process up to {1} rows")
  @CsvSource({"2, 0", "3, 0", "2, 2000000", "3, 2000000"})
  void everyRunLeavesOneLiveRowPerKeyAndEverySnapshotHoldsWholeBatches(
      int version, long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, version, true);
    TableIdentifier id = TableIdentifier.of("db", name);
    UpsertOptions options = UpsertOptions.of(inProcessMaxRows);
    List<Map<String, String>> states = new ArrayList<>(List.of(Map.of()));

    upsert(
        lake,
        id,
        options,
        row("a", "a1", 10, "x"),
        row("a", "a2", 20, "y"),
        row("b", "b1", 10, "x"),
        row("d", "d1", 10, "x"));
    states.add(Map.of("a", "a2", "b", "b1", "d", "d1"));
    assertThat(TestLake.live(table), is(states.get(1)));

    // b and d replaced: the first batch's file in partition x is left without a live row.
    upsert(
        lake,
        id,
        options,
        row("b", "b2", 30, "y"),
        row("d", "d2", 30, "y"),
        row("c", "c1", 30, "x"),
        row("a", "a0", 5, "x"));
    states.add(Map.of("a", "a2", "b", "b2", "c", "c1", "d", "d2"));
    assertThat(TestLake.live(table), is(states.get(2)));

    // The same batch again (a re-run) changes nothing that a reader sees.
    upsert(lake, id, options, row("b", "b2", 30, "y"), row("c", "c1", 30, "x"));
    assertThat(TestLake.live(table), is(states.get(2)));
    assertThat(TestLake.liveCount(table), is(4L));

    // Every snapshot a reader can travel to holds one of the states between runs, never a part.
    table.refresh();
    for (Snapshot snapshot : table.snapshots()) {
      assertThat(
          "snapshot " + snapshot.snapshotId() + " (" + snapshot.summary() + ")",
          states,
          hasItem(TestLake.liveAt(table, snapshot.snapshotId())));
    }
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void aCommitBetweenPlanAndPublicationIsDetectedInTheGraphAndTheResultStaysExact(
      long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    TestLake.publish(
        table, KEYS, TestLake.row("a", "a1", 10, "x"), TestLake.row("b", "b1", 10, "x"));
    Table staging = lake.staging(name, nextRun());
    TestLake.append(staging, TestLake.row("a", "a2", 20, "x"));
    ResolutionPlan plan = ResolutionPlan.forStaging(table, staging, KEYS);
    // Another writer publishes newer rows after the plan was made, before the graph commits.
    TestLake.publish(
        lake.load(name), KEYS, TestLake.row("a", "a3", 30, "x"), TestLake.row("b", "b3", 30, "x"));

    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> result =
        pipeline
            .apply(Create.of(plan).withCoder(SerializableCoder.of(ResolutionPlan.class)))
            .apply(ResolvePlans.of(new UpsertTarget(lake.workerSpec, id, KEYS, inProcessMaxRows)));
    // The graph's own result (a1 loses to a2) is stale; recomputed, a2 loses to a3 and its file is
    // not added.
    PAssert.that(result)
        .satisfies(
            rows -> {
              Row only = rows.iterator().next();
              assertThat(only.getInt64("deleted_rows"), is(1L));
              assertThat(only.getInt64("added_rows"), is(0L));
              return null;
            });
    pipeline.run().waitUntilFinish();
    assertThat(TestLake.live(table), is(Map.of("a", "a3", "b", "b3")));
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void aPublicationRetriedAfterItsCommitCommitsNothingAgain(long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    TestLake.publish(table, KEYS, TestLake.row("a", "a1", 10, "x"));
    Table staging = lake.staging(name, nextRun());
    TestLake.append(staging, TestLake.row("a", "a2", 20, "x"), TestLake.row("b", "b1", 20, "x"));
    ResolutionPlan plan = ResolutionPlan.forStaging(table, staging, KEYS);

    List<Long> published = new ArrayList<>();
    for (int attempt = 0; attempt < 2; attempt++) {
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      pipeline
          .apply(Create.of(plan).withCoder(SerializableCoder.of(ResolutionPlan.class)))
          .apply(ResolvePlans.of(new UpsertTarget(lake.workerSpec, id, KEYS, inProcessMaxRows)));
      pipeline.run().waitUntilFinish();
      table.refresh();
      published.add(table.currentSnapshot().snapshotId());
    }
    assertThat(published.get(1), is(published.get(0)));
    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b1")));
    assertThat(TestLake.liveCount(table), is(2L));
  }

  @Test
  void stagedFilesArePublishedFromTheTargetsDataLocationAndOutliveTheStagingTable() {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 3, true);
    TableIdentifier id = TableIdentifier.of("db", name);
    upsert(
        lake, id, UpsertOptions.of(IN_PROCESS), row("a", "a1", 10, "x"), row("b", "b1", 10, "y"));
    upsert(lake, id, UpsertOptions.of(IN_PROCESS), row("a", "a2", 20, "y"));

    // upsert() dropped each run's staging table; the target reads its rows from its own folder.
    assertThat(StagingTable.list(lake.catalog(), id), is(Map.of()));
    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b1")));
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().location(), startsWith(table.location() + "/data/"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> publications = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      String token = snapshot.summary().get(Publication.PROPERTY);
      if (token != null) {
        publications.add(token);
      }
    }
    assertThat(publications.size(), is(2));
    publications.forEach(p -> assertThat(p, containsString(name + "_staging_run")));
  }

  /**
   * Beam's io-iceberg 2.67 reports no snapshot for a retried commit whose files are already
   * committed: the rows it staged must be published all the same.
   */
  @Test
  void filesStagedByACommitTheWriteDidNotReportArePublished() {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, true);
    TableIdentifier id = TableIdentifier.of("db", name);
    TableIdentifier staging = StagingTable.create(lake.catalog(), id, nextRun());
    // The unreported commit: in the staging table, not in the write's output.
    TestLake.append(lake.catalog().loadTable(staging), TestLake.row("a", "a1", 10, "x"));
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply(Create.of(List.of(row("b", "b1", 10, "y"))).withRowSchema(ROW))
        .apply(UpsertIntoIceberg.into(lake.workerSpec, id, staging, KEYS));
    pipeline.run().waitUntilFinish();
    StagingTable.drop(lake.catalog(), staging);

    assertThat(TestLake.live(table), is(Map.of("a", "a1", "b", "b1")));
  }

  @Test
  void aStagedBatchWhoseRowsAllLoseAddsNothing() {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    upsert(lake, id, UpsertOptions.of(IN_PROCESS), row("a", "a1", 10, "x"));
    table.refresh();
    long before = table.currentSnapshot().snapshotId();
    upsert(lake, id, UpsertOptions.of(IN_PROCESS), row("a", "a0", 5, "x"));
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId(), is(before));
    assertThat(TestLake.live(table), is(Map.of("a", "a1")));
  }

  @Test
  void aTargetWhosePartitionSpecEvolvedGetsFilesOfItsCurrentSpec() {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, true);
    TableIdentifier id = TableIdentifier.of("db", name);
    upsert(lake, id, UpsertOptions.of(IN_PROCESS), row("a", "a1", 10, "x"));
    table.updateSpec().removeField("part").addField(Expressions.day("ts")).commit();
    long day = 86_400;
    upsert(
        lake,
        id,
        UpsertOptions.of(IN_PROCESS),
        row("a", "a2", day + 1, "x"),
        row("b", "b1", 3 * day, "y"));

    assertThat(TestLake.live(table), is(Map.of("a", "a2", "b", "b1")));
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().specId(), is(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(idsOnDay(table, 1), is(List.of("a")));
    assertThat(idsOnDay(table, 3), is(List.of("b")));
  }

  @ParameterizedTest(name = "in-process up to {0} rows")
  @ValueSource(longs = {DISTRIBUTED, IN_PROCESS})
  void aManyKeyBatchAgainstAnExistingTableIsExact(long inProcessMaxRows) {
    TestLake lake = new TestLake(dir);
    String name = nextTable();
    Table table = lake.create(name, 2, false);
    TableIdentifier id = TableIdentifier.of("db", name);
    Row[] first = new Row[2000];
    for (int i = 0; i < first.length; i++) {
      first[i] = row("k" + i, "v1", 100, "x");
    }
    upsert(lake, id, UpsertOptions.of(inProcessMaxRows), first);
    Row[] second = new Row[500];
    for (int i = 0; i < second.length; i++) {
      second[i] = row("k" + (i * 4), "v2", 200, "x");
    }
    upsert(lake, id, UpsertOptions.of(inProcessMaxRows), second);
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
    String name = nextTable();
    Table table =
        lake.create(name, 2, PartitionSpec.builderFor(TestLake.SCHEMA).day("ts").build(), Map.of());
    TableIdentifier id = TableIdentifier.of("db", name);
    UpsertOptions options = new UpsertOptions(MergeKeys.of("id"), inProcessMaxRows, "ts");
    long day = 86_400;
    upsert(lake, id, options, row("a", "a1", day, "x"), row("b", "b1", day + 1, "x"));
    upsert(lake, id, options, row("c", "c1", 2 * day, "x"), row("d", "d1", 3 * day, "x"));

    // "b" again with its own time (day 1): only day 1's file may hold it.
    PipelineResult result = upsert(lake, id, options, row("b", "b2", day + 1, "x"));
    assertThat(TestLake.live(table), is(Map.of("a", "a1", "b", "b2", "c", "c1", "d", "d1")));
    assertThat(counter(result, ResolvePlans.EXISTING_FILES_READ), is(1L));
  }

  /** The ids of the rows of day {@code day} (since the epoch), read with a filter on the day. */
  private static List<String> idsOnDay(Table table, long day) {
    long micros = 86_400L * 1_000_000L;
    List<String> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table)
            .where(
                Expressions.and(
                    Expressions.greaterThanOrEqual("ts", day * micros),
                    Expressions.lessThan("ts", (day + 1) * micros)))
            .build()) {
      rows.forEach(r -> ids.add((String) r.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
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

package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads tables the resolver wrote back with an independent engine: Spark SQL 3.5 and Iceberg's
 * Spark catalog, on the same sqlite JDBC catalog ("test"). Spark applies the position-delete files
 * (v2) and deletion vectors (v3) itself.
 */
class SparkSqlReadBackTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");
  private static final org.apache.beam.sdk.schemas.Schema BEAM_ROW =
      RowSchemas.fromIceberg(TestLake.SCHEMA);

  /**
   * Iceberg's session switch between its vectorized and row-based Spark readers
   * (SparkSQLProperties).
   */
  private static final String VECTORIZATION = "spark.sql.iceberg.vectorization.enabled";

  @TempDir static Path dir;
  private static TestLake lake;
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    // Creates the catalog's tables in sqlite first; Spark's catalog then only reads them.
    lake = new TestLake(dir);
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("SparkSqlReadBackTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            // Tiny queries: skip adaptive re-planning and whole-stage code generation, both only
            // cost time here.
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.wholeStage", "false");
    String prefix = "spark.sql.catalog." + lake.spec.name();
    builder.config(prefix, "org.apache.iceberg.spark.SparkCatalog");
    lake.spec.properties().forEach((k, v) -> builder.config(prefix + "." + k, v));
    // No table cache: every query sees the catalog's current snapshot. No DDL against the sqlite
    // file.
    builder.config(prefix + ".cache-enabled", "false");
    builder.config(prefix + ".jdbc.init-catalog-tables", "false");
    spark = builder.getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void sparkSeesOneRowPerKeyWithTheWinningValues(int version) {
    String name = "spark_batches_v" + version;
    Table table = lake.create(name, version, true);

    // Batch 1: "a" twice in one batch (a2 has the higher order).
    resolve(
        table,
        append(
            table,
            row("a", "a1", 10, "x"),
            row("a", "a2", 20, "x"),
            row("b", "b1", 10, "y"),
            row("c", "c1", 10, "x"),
            row("d", "d1", 10, "y")));
    // Batch 2: "a" moves x -> y; "b" arrives later with an older order and loses; "c" twice across
    // partitions.
    resolve(
        table,
        append(
            table,
            row("a", "a3", 30, "y"),
            row("b", "b0", 5, "y"),
            row("c", "c2", 20, "x"),
            row("c", "c3", 15, "y"),
            row("e", "e1", 10, "x")));
    // Batch 3: "d" moves y -> x; "e" ties on order, so the later commit wins.
    resolve(table, append(table, row("d", "d2", 20, "x"), row("e", "e2", 10, "y")));

    Map<String, String> afterResolver =
        Map.of("a", "a3", "b", "b1", "c", "c2", "d", "d2", "e", "e2");
    assertSparkReads(name, afterResolver);
    assertThat(live(table), is(afterResolver));

    // Batch 4 through the Beam transform on the DirectRunner: Managed writes a staging table, the
    // graph publishes its files into the target.
    TableIdentifier id = TableIdentifier.of("db", name);
    TableIdentifier staging = StagingTable.create(lake.catalog(), id, "batch4");
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply(
            Create.of(
                    List.of(
                        beamRow("a", "a4", 40, "x"),
                        beamRow("b", "b2", 50, "x"),
                        beamRow("c", "c0", 1, "y"),
                        beamRow("f", "f1", 10, "y"),
                        beamRow("f", "f2", 11, "x")))
                .withRowSchema(BEAM_ROW))
        .apply(UpsertIntoIceberg.into(lake.workerSpec, id, staging, KEYS));
    pipeline.run().waitUntilFinish();
    StagingTable.drop(lake.catalog(), staging);

    Map<String, String> expected =
        Map.of("a", "a4", "b", "b2", "c", "c2", "d", "d2", "e", "e2", "f", "f2");
    assertSparkReads(name, expected);
    assertThat(live(table), is(expected));

    // Spark saw deletes to apply: data files hold more rows than are live, in delete files of the
    // format's kind. Of the 17 rows written, the files whose every row lost were removed (batch 1's
    // two, 3 and 2 rows, and batch 2's y, 3) or never published (batch 4's y, 2); c2 e1 | d2 | e2 |
    // a4 b2 f2 remain,
    // e1 deleted.
    long rawRows =
        single(sql("SELECT sum(record_count) FROM %s.files WHERE content = 0", name)).getLong(0);
    assertThat(rawRows, is(2L + 1L + 1L + 3L));
    List<String> deleteFormats = new ArrayList<>();
    sql("SELECT file_format FROM %s.delete_files", name)
        .forEach(r -> deleteFormats.add(r.getString(0)));
    assertThat(deleteFormats, not(empty()));
    assertThat(deleteFormats, everyItem(is(version >= 3 ? "PUFFIN" : "PARQUET")));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void deduplicatingAWholeTableLeavesTheWinnerOfEveryKey(int version) {
    String name = "spark_dedup_v" + version;
    Table table = lake.create(name, version, true);
    Map<String, String> expected = new TreeMap<>();
    Map<String, Long> winningOrder = new TreeMap<>();
    for (int batch = 0; batch < 3; batch++) {
      List<Record> rows = new ArrayList<>();
      for (int j = 0; j < 1000; j++) {
        int key = batch * 600 + j;
        String id = "k" + key;
        String value = "b" + batch + "-" + id;
        long ts = order(key, batch);
        if (batch == 2 && j >= 950) {
          // The batch's last 50 rows repeat its first 50 keys with the highest order of all.
          id = "k" + (key - 950);
          value = "b2dup-" + id;
          ts = 2000;
        }
        rows.add(row(id, value, ts, "p" + ((key + batch) % 3)));
        // Later batches win ties on order (their data sequence number is higher).
        Long best = winningOrder.get(id);
        if (best == null || ts >= best) {
          winningOrder.put(id, ts);
          expected.put(id, value);
        }
      }
      append(table, rows.toArray(Record[]::new));
    }
    assertThat(expected.size(), is(2150));

    MergeKeyResolver.Outcome outcome = MergeKeyResolver.deduplicate(table, KEYS);
    assertThat(outcome.deletedRows(), is(3000L - 2150L));

    Row counts = single(sql("SELECT count(*), count(DISTINCT id) FROM %s", name));
    assertThat(counts.getLong(0), is(2150L));
    assertThat(counts.getLong(1), is(2150L));
    Map<String, String> spotChecks = new LinkedHashMap<>();
    spotChecks.put("k5", "b0-k5"); // in batch 0 only
    spotChecks.put("k601", "b1-k601"); // batches 0 and 1: the later, higher order wins
    spotChecks.put("k602", "b0-k602"); // 602 % 7 == 0: the earliest batch has the highest order
    spotChecks.put("k605", "b1-k605"); // 605 % 5 == 0: equal order, the later commit wins
    spotChecks.put("k1253", "b1-k1253"); // batches 1 and 2, 1253 % 7 == 0: batch 1 wins
    spotChecks.put("k1210", "b2dup-k1210"); // a duplicate within batch 2 with the highest order
    spotChecks.put("k1300", "b2-k1300"); // batches 1 and 2, equal order: batch 2 wins
    spotChecks.put("k2149", "b2-k2149"); // batch 2 only
    spotChecks.forEach(
        (id, value) -> {
          List<Row> rows = sql("SELECT value FROM %s WHERE id = '" + id + "'", name);
          assertThat(id, rows.size(), is(1));
          assertThat(id, rows.get(0).getString(0), is(value));
          assertThat(id, expected.get(id), is(value));
        });
    assertSparkReads(name, expected);
    assertThat(live(table), is(expected));
    assertThat(MergeKeyResolver.deduplicate(table, KEYS).deletedRows(), is(0L));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aFullyDeletedDataFileIsGoneAndSparkReadsTheWinners(int version) {
    String name = "spark_emptied_v" + version;
    Table table = lake.create(name, version, true);
    resolve(
        table,
        append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"), row("c", "c1", 1, "x")));
    String first = single(sql("SELECT file_path FROM %s.files", name)).getString(0);
    // First "a" only (the file is masked by a delete file or vector), then "b" and "c": the file is
    // emptied.
    resolve(table, append(table, row("a", "a2", 2, "x")));
    resolve(table, append(table, row("b", "b2", 2, "y"), row("c", "c2", 2, "x")));

    Map<String, String> expected = Map.of("a", "a2", "b", "b2", "c", "c2");
    assertSparkReads(name, expected);
    assertThat(live(table), is(expected));
    List<String> dataFiles = new ArrayList<>();
    sql("SELECT file_path FROM %s.files WHERE content = 0 AND record_count > 0", name)
        .forEach(r -> dataFiles.add(r.getString(0)));
    assertThat(dataFiles.contains(first), is(false));
    assertThat("a2 in x; b2 in y and c2 in x", dataFiles.size(), is(3));
    assertThat(
        "no delete file is left for the removed file",
        sql("SELECT * FROM %s.delete_files", name).size(),
        is(0));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void afterUpkeepSparkReadsTheSameRowsFromFilesWithoutDeletes(int version) {
    String name = "spark_upkeep_v" + version;
    Table table = lake.create(name, version, true);
    Map<String, String> expected = UpkeepTables.upsertRounds(table);
    assertSparkReads(name, expected);
    long filesBefore =
        single(sql("SELECT count(*) FROM %s.files WHERE content = 0", name)).getLong(0);

    new TableUpkeep(UpkeepTables.COMPACT_ONLY).run(table);

    assertSparkReads(name, expected);
    assertThat(live(table), is(expected));
    assertThat(sql("SELECT * FROM %s.delete_files", name).size(), is(0));
    long filesAfter =
        single(sql("SELECT count(*) FROM %s.files WHERE content = 0", name)).getLong(0);
    assertThat(filesAfter < filesBefore, is(true));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aFlinkStyleEqualityDeleteTableReadsTheSameAfterUpkeep(int version) {
    String name = "spark_flink_v" + version;
    Table table = lake.create(name, version, true);
    Map<String, String> expected = UpkeepTables.flinkUpserts(table);
    assertSparkReads(name, expected);
    assertThat(sql("SELECT * FROM %s.delete_files WHERE content = 2", name).size(), is(2));

    new TableUpkeep(UpkeepTables.COMPACT_ONLY).run(table);

    assertSparkReads(name, expected);
    assertThat(live(table), is(expected));
    assertThat(sql("SELECT * FROM %s.delete_files", name).size(), is(0));
  }

  /**
   * The order column of key {@code key} in batch {@code batch}, chosen so that every rule decides
   * some keys.
   */
  private static long order(int key, int batch) {
    if (key % 7 == 0) {
      return 1000L - batch; // the earliest batch wins
    }
    if (key % 5 == 0) {
      return 500; // a tie: the latest commit wins
    }
    return 100L + batch; // the latest batch wins
  }

  private static void resolve(Table table, long appendSnapshot) {
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(appendSnapshot));
  }

  private static org.apache.beam.sdk.values.Row beamRow(
      String id, String value, long seconds, String part) {
    return org.apache.beam.sdk.values.Row.withSchema(BEAM_ROW)
        .addValues(id, value, seconds * 1_000_000L, part)
        .build();
  }

  /**
   * Spark returns exactly the expected rows, one per key, through both of Iceberg's Spark readers:
   * the vectorized (Arrow, columnar) one and the row-based one apply deletes separately.
   */
  private static void assertSparkReads(String name, Map<String, String> expected) {
    for (boolean vectorized : new boolean[] {true, false}) {
      spark.conf().set(VECTORIZATION, vectorized);
      try {
        String reader = vectorized ? "vectorized reader" : "row reader";
        List<String> ids = new ArrayList<>();
        Map<String, String> read = new LinkedHashMap<>();
        for (Row r : sql("SELECT id, value FROM %s ORDER BY id", name)) {
          ids.add(r.getString(0));
          read.put(r.getString(0), r.getString(1));
        }
        assertThat(reader + ": ids", ids, is(new ArrayList<>(new TreeMap<>(expected).keySet())));
        assertThat(reader + ": values", read, is(expected));
        Row counts = single(sql("SELECT count(*), count(DISTINCT id) FROM %s", name));
        assertThat(reader + ": count(*)", counts.getLong(0), is((long) expected.size()));
        assertThat(reader + ": count(DISTINCT id)", counts.getLong(1), is((long) expected.size()));
        assertThat(counts.getLong(0), greaterThan(0L));
      } finally {
        spark.conf().unset(VECTORIZATION);
      }
    }
  }

  private static List<Row> sql(String query, String table) {
    return spark.sql(String.format(query, lake.spec.name() + ".db." + table)).collectAsList();
  }

  private static Row single(List<Row> rows) {
    assertThat(rows.size(), is(1));
    return rows.get(0);
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The read side as users meet it: the Direct jar lands testdata/ (then lands one application again,
 * so that files hold deleted rows: position deletes on format v2, deletion vectors on v3), its
 * {@code logs} and {@code apps} commands print what Spark SQL finds for the same filters, {@code
 * upkeep} rewrites the data table in its sort order and {@code logs} still agrees; README's "Query
 * your logs" Spark SQL examples run as written against the same table (the format v2 one, with its
 * deleted rows, before upkeep).
 */
class QueryYourLogsIT {
  private static final String APP = "spark-4fb38540902b277b77066159fd92e498";
  private static final String TABLE = "logberg.logs.spark_logs";

  /** What {@code logs} prints per line (LogFormat.TEXT), in Spark SQL. */
  private static final String TEXT_LINE =
      "concat(date_format(timestamp, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'\"), ' ',"
          + " rpad(coalesce(log_level, '-'), 5, ' '), ' ', coalesce(pod_name, '-'), ' ', message)";

  @TempDir static Path dir;
  private static Path input;

  @BeforeAll
  static void copyTestdata() throws IOException {
    input = Warehouse.copyTestdata(dir.resolve("spark-team-a"));
  }

  /**
   * On format v2 README's Spark SQL examples run too, on the same landed table: a tree of their own
   * would only land the same rows again.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void logsAndAppsPrintWhatSparkSqlFindsBeforeAndAfterUpkeepAndReadmeQueriesRunOnV2(
      int formatVersion) throws Exception {
    Warehouse warehouse =
        new Warehouse(dir.resolve("v" + formatVersion).resolve("warehouse"), input);
    land(warehouse, formatVersion);

    try (SparkSql spark = new SparkSql(warehouse.catalog())) {
      if (formatVersion == 2) {
        assertReadmeQueriesRunAndNameRealColumns(warehouse, spark);
      }
      String byApp = "spark_app_selector = '" + APP + "'";
      assertLogs(warehouse, spark, List.of(APP), byApp);
      assertLogs(
          warehouse,
          spark,
          List.of(APP, "--level=WARN", "--pod=inventory-sync-f33699-exec-3"),
          byApp
              + " AND log_level IN ('WARN', 'ERROR', 'FATAL')"
              + " AND pod_name = 'inventory-sync-f33699-exec-3'");
      assertLogs(
          warehouse,
          spark,
          List.of(
              APP,
              "--since=2025-01-15T23:00:00Z",
              "--until=2025-01-16T00:30:00Z",
              "--grep=Exception"),
          byApp
              + " AND timestamp >= TIMESTAMP '2025-01-15 23:00:00'"
              + " AND timestamp < TIMESTAMP '2025-01-16 00:30:00' AND message LIKE '%Exception%'");
      assertJson(warehouse, spark, byApp + " AND log_level IN ('ERROR', 'FATAL')");
      assertApps(warehouse, spark);

      RunnerJar.Run upkeep = RunnerJar.DIRECT.run(warehouse.logs(), "upkeep", warehouse.args());
      assertThat(upkeep.output(), upkeep.exitCode(), is(0));
      assertSorted(warehouse);
      assertLogs(warehouse, spark, List.of(APP), byApp);
    }
  }

  /**
   * Two runs (the second re-lands {@link #APP}, whose old rows share files with other
   * applications', so they are deleted rather than their files dropped), the tables of the second
   * at {@code version}.
   */
  private static void land(Warehouse warehouse, int version) throws Exception {
    RunnerJar.Run first = RunnerJar.DIRECT.run(warehouse.logs(), "run", warehouse.args());
    assertThat(first.output(), first.exitCode(), is(0));
    if (version == 3) {
      warehouse
          .catalog()
          .apply(
              c -> {
                for (var id :
                    List.of(warehouse.tables().dataTable(), warehouse.tables().rejectsTable())) {
                  c.loadTable(id)
                      .updateProperties()
                      .set(TableProperties.FORMAT_VERSION, "3")
                      .commit();
                }
                return null;
              });
    }
    RunnerJar.Run again =
        RunnerJar.DIRECT.run(warehouse.logs(), "run", warehouse.args("--reprocess=" + APP));
    assertThat(again.output(), again.exitCode(), is(0));
    assertThat(
        "the application's rows of the first run are deleted by the second",
        again.output().contains("upsert: 0 superseded"),
        is(false));
    warehouse
        .catalog()
        .apply(
            c -> {
              Table data = c.loadTable(warehouse.tables().dataTable());
              assertThat(
                  ((HasTableOperations) data).operations().current().formatVersion(), is(version));
              assertThat("rows under deletes", deletes(data), greaterThan(0));
              return null;
            });
  }

  private static void assertLogs(
      Warehouse warehouse, SparkSql spark, List<String> logsArgs, String where) throws Exception {
    List<String> args = new ArrayList<>(logsArgs);
    args.addAll(warehouse.args());
    RunnerJar.Run logs = RunnerJar.DIRECT.run(warehouse.logs(), "logs", args);
    assertThat(logs.output(), logs.exitCode(), is(0));
    List<List<String>> expected =
        spark.rows(
            "SELECT "
                + TEXT_LINE
                + " FROM "
                + TABLE
                + " WHERE "
                + where
                + " ORDER BY timestamp, source_file, line_number");
    assertThat("Spark SQL finds lines for " + logsArgs, expected, not(empty()));
    StringBuilder text = new StringBuilder();
    expected.forEach(row -> text.append(row.get(0)).append('\n'));
    assertThat(logsArgs.toString(), logs.output(), is(text.toString()));
  }

  private static void assertJson(Warehouse warehouse, SparkSql spark, String where)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(APP, "--level=ERROR", "--format=json"));
    args.addAll(warehouse.args());
    RunnerJar.Run logs = RunnerJar.DIRECT.run(warehouse.logs(), "logs", args);
    assertThat(logs.output(), logs.exitCode(), is(0));
    ObjectMapper json = new ObjectMapper();
    List<String> printed = new ArrayList<>();
    for (String line : logs.output().split("\n")) {
      var node = json.readTree(line);
      assertThat("every column", node.size(), is(SparkLogsTable.SCHEMA.columns().size()));
      printed.add(node.get("event_id").asText() + " " + node.get("timestamp").asText());
    }
    List<String> expected =
        spark
            .rows(
                "SELECT event_id, date_format(timestamp, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'\") FROM "
                    + TABLE
                    + " WHERE "
                    + where
                    + " ORDER BY timestamp, source_file, line_number")
            .stream()
            .map(row -> row.get(0) + " " + row.get(1))
            .toList();
    assertThat(expected, not(empty()));
    assertThat(printed, is(expected));
  }

  private static void assertApps(Warehouse warehouse, SparkSql spark) throws Exception {
    RunnerJar.Run apps = RunnerJar.DIRECT.run(warehouse.logs(), "apps", warehouse.args());
    assertThat(apps.output(), apps.exitCode(), is(0));
    Map<String, String> printed = new TreeMap<>();
    for (String line : apps.output().split("\n")) {
      if (line.startsWith("spark-")) {
        String[] columns = line.trim().split("\\s+");
        // id, status, first, last, lines, errors
        printed.put(
            columns[0],
            columns[1] + " " + columns[4].replace(",", "") + " " + columns[5].replace(",", ""));
      }
    }
    Map<String, String> expected = new TreeMap<>();
    for (List<String> row :
        spark.rows(
            "SELECT spark_app_selector, count(*), count_if(log_level IN ('ERROR', 'FATAL')) FROM "
                + TABLE
                + " GROUP BY spark_app_selector")) {
      expected.put(row.get(0), "SUCCESS " + row.get(1) + " " + row.get(2));
    }
    assertThat(expected.size(), is(5));
    assertThat(printed, is(expected));
  }

  /** After upkeep every live data file is in the table's sort order, and says so. */
  private static void assertSorted(Warehouse warehouse) {
    warehouse
        .catalog()
        .apply(
            c -> {
              Table data = c.loadTable(warehouse.tables().dataTable());
              assertThat(data.sortOrder().isSorted(), is(true));
              try (CloseableIterable<FileScanTask> tasks = data.newScan().planFiles()) {
                for (FileScanTask task : tasks) {
                  assertThat(task.file().sortOrderId(), is(data.sortOrder().orderId()));
                  assertThat("no deletes left", task.deletes().size(), is(0));
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return null;
            });
  }

  private static int deletes(Table table) {
    int deletes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        deletes += task.deletes().size();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deletes;
  }

  /**
   * README's Spark SQL examples, run as written ("today" is a day of the test data), give what
   * Iceberg's own reader counts; every column any example of the section names exists.
   */
  private static void assertReadmeQueriesRunAndNameRealColumns(Warehouse warehouse, SparkSql spark)
      throws IOException {
    Map<String, String> queries = sparkSqlExamples();
    assertThat(
        queries.keySet(),
        is(
            Set.of(
                "errors of one application",
                "applications with an exception today",
                "lines per level per application")));
    List<Record> rows = new ArrayList<>();
    warehouse
        .catalog()
        .apply(
            c -> {
              try (CloseableIterable<Record> all =
                  IcebergGenerics.read(c.loadTable(warehouse.tables().dataTable())).build()) {
                all.forEach(rows::add);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return null;
            });
    List<List<String>> errors = spark.rows(queries.get("errors of one application"));
    long expectedErrors =
        rows.stream()
            .filter(r -> APP.equals(r.getField("spark_app_selector")))
            .filter(r -> Set.of("ERROR", "FATAL").contains(r.getField("log_level")))
            .count();
    assertThat(expectedErrors, greaterThan(0L));
    assertThat((long) errors.size(), is(expectedErrors));

    OffsetDateTime today = OffsetDateTime.of(2025, 1, 15, 0, 0, 0, 0, ZoneOffset.UTC);
    Map<String, Long> oom = new TreeMap<>();
    rows.stream()
        .filter(r -> !((OffsetDateTime) r.getField("timestamp")).isBefore(today))
        .filter(r -> ((String) r.getField("message")).contains("OutOfMemoryError"))
        .forEach(r -> oom.merge((String) r.getField("spark_app_selector"), 1L, Long::sum));
    assertThat(oom.size(), greaterThan(1));
    Map<String, Long> found = new TreeMap<>();
    for (List<String> row :
        spark.rows(
            queries
                .get("applications with an exception today")
                .replace("current_date()", "DATE'2025-01-15'"))) {
      found.put(row.get(0), Long.parseLong(row.get(2)));
    }
    assertThat(found, is(oom));

    Map<String, Long> perLevel = new TreeMap<>();
    rows.forEach(
        r ->
            perLevel.merge(
                r.getField("spark_app_selector") + "/" + r.getField("log_level"), 1L, Long::sum));
    Map<String, Long> counted = new TreeMap<>();
    for (List<String> row : spark.rows(queries.get("lines per level per application"))) {
      counted.put(row.get(0) + "/" + row.get(1), Long.parseLong(row.get(2)));
    }
    assertThat(counted, is(perLevel));
    assertThat(unknownColumns(), is(Set.of()));
  }

  /** The section "Query your logs" of README. */
  private static String section() throws IOException {
    String readme = Files.readString(RunnerJar.REPO.resolve("README.md"));
    int start = readme.indexOf("## Query your logs");
    assertThat("README has a section 'Query your logs'", start, greaterThan(-1));
    return readme.substring(start, readme.indexOf("\n## ", start + 1));
  }

  /** The Spark SQL blocks, each after its {@code <!-- spark-sql: name -->} marker. */
  private static Map<String, String> sparkSqlExamples() throws IOException {
    Map<String, String> queries = new TreeMap<>();
    Matcher block =
        Pattern.compile("<!-- spark-sql: ([^>]+) -->\\s*```sql\\n(.*?)```", Pattern.DOTALL)
            .matcher(section());
    while (block.find()) {
      queries.put(block.group(1).trim(), block.group(2).trim());
    }
    return queries;
  }

  /**
   * The snake_case names in the section's SQL and Python examples that are neither a column of the
   * tables nor one of the functions, tables and aliases the examples use.
   */
  private static Set<String> unknownColumns() throws IOException {
    Set<String> known = new TreeSet<>();
    SparkLogsTable.SCHEMA.columns().forEach(c -> known.add(c.name()));
    known.addAll(
        Set.of(
            "spark_logs",
            "current_date",
            "first_seen",
            "iceberg_scan",
            "load_catalog",
            "load_table",
            "row_filter",
            "selected_fields",
            "to_arrow",
            "sort_by"));
    Set<String> unknown = new TreeSet<>();
    Matcher code =
        Pattern.compile("```(?:sql|python)\\n(.*?)```", Pattern.DOTALL).matcher(section());
    while (code.find()) {
      Matcher name = Pattern.compile("\\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\\b").matcher(code.group(1));
      while (name.find()) {
        if (!known.contains(name.group())) {
          unknown.add(name.group());
        }
      }
    }
    return unknown;
  }
}

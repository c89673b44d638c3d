package dev.logberg.bench.peer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The "peer" contender of the end-to-end benchmark: what a Spark SQL user would write for the same
 * job. Spark 3.5 in local mode with Iceberg's Spark runtime: {@code read.json} of every file under
 * the input's {@code spark-*} folders with an explicit schema (the union of the three line shapes;
 * no inference pass), the same twenty columns, and {@code writeTo(...).append()} into an Iceberg v2
 * table partitioned by {@code days(timestamp)}, zstd Parquet, in a sqlite JDBC catalog laid out as
 * Logberg's default.
 *
 * <p>Where Spark cannot do what Logberg does, it does the nearest thing (BENCHMARKS.md lists
 * these): the JSON reader does not give line numbers, so {@code line_number} is Spark's row id and
 * {@code event_id} a hash of file and row id; columns are nullable; lines without a usable
 * timestamp or message are skipped and counted, not written to a rejects table. Counts come from an
 * {@link Observation} on the same pass that writes, not from a second scan.
 *
 * <pre>SparkSqlPeer --input=DIR --dir=RUN_DIR [--master=local[2]]</pre>
 */
public final class SparkSqlPeer {
  private SparkSqlPeer() {}

  /**
   * The fields any of the three shapes may carry; a field of another type is kept as its JSON text.
   */
  private static final String JSON_SCHEMA =
      "`timestamp` STRING, `time` STRING, `date` STRING, `@timestamp` STRING, log_level STRING, level STRING,"
          + " message STRING, log STRING, logger STRING, namespace STRING, pod_name STRING, container_name STRING,"
          + " node_name STRING, app STRING, role STRING, spark_app_selector STRING,"
          + " kubernetes STRUCT<pod_name: STRING, namespace_name: STRING, container_name: STRING,"
          + " container_image: STRING, host: STRING, labels: STRUCT<app: STRING, `spark-app-selector`: STRING,"
          + " `spark-app-name`: STRING, `spark-role`: STRING, `spark-version`: STRING, queue: STRING,"
          + " `sparkoperator.k8s.io/submission-id`: STRING>>,"
          + " _corrupt_record STRING";

  /** Shape C's escaped log4j2 JsonLayout document. */
  private static final String LOG4J_SCHEMA =
      "instant STRUCT<epochSecond: BIGINT, nanoOfSecond: BIGINT>, timeMillis BIGINT, level STRING,"
          + " loggerName STRING, message STRING, thrown STRUCT<name: STRING, message: STRING, extendedStackTrace: STRING>";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = LakeSession.options(args);
    String input = Path.of(options.get("input")).toAbsolutePath().toString();
    Path dir = Path.of(options.get("dir")).toAbsolutePath();
    long started = System.nanoTime();
    // sqlite creates the catalog file, not its folder.
    Files.createDirectories(dir.resolve("warehouse"));

    SparkSession spark =
        LakeSession.builder(options, "logberg-bench-peer", dir)
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .getOrCreate();

    spark.sql("CREATE NAMESPACE IF NOT EXISTS logberg.logs");
    spark.sql(
        "CREATE TABLE logberg.logs.spark_logs ("
            + " `timestamp` TIMESTAMP, log_level STRING, message STRING, pod_name STRING, namespace_name STRING,"
            + " container_name STRING, container_image STRING, app STRING, spark_app_selector STRING,"
            + " spark_app_name STRING, spark_role STRING, spark_version STRING, queue STRING, submission_id STRING,"
            + " node_name STRING, logger STRING, event_id STRING, source_file STRING, line_number BIGINT,"
            + " ingested_at TIMESTAMP)"
            + " USING iceberg PARTITIONED BY (days(`timestamp`))"
            + " TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd')");

    spark
        .read()
        .schema(JSON_SCHEMA)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", "_corrupt_record")
        .option("recursiveFileLookup", "true")
        .json(input + "/spark-*")
        .createOrReplaceTempView("raw");

    // Logberg's rules in SQL: the log4j event's time first, then the record's time fields; ISO-8601
    // only with an
    // offset or Z; epoch numbers below 1e11 are seconds, below 1e14 milliseconds.
    Dataset<Row> rows =
        spark.sql(
            "WITH lines AS (SELECT *, from_json(log, '"
                + LOG4J_SCHEMA
                + "') AS ev, input_file_name() AS path,"
                + " monotonically_increasing_id() AS row_id FROM raw),"
                + " timed AS (SELECT *, coalesce("
                + "   timestamp_micros(ev.instant.epochSecond * 1000000 + div(ev.instant.nanoOfSecond, 1000)),"
                + "   timestamp_millis(ev.timeMillis),"
                + "   "
                + parseTime("`timestamp`")
                + ", "
                + parseTime("`time`")
                + ", "
                + parseTime("`date`")
                + ","
                + "   "
                + parseTime("`@timestamp`")
                + ") AS ts,"
                + "   coalesce(CASE WHEN ev.thrown IS NULL THEN ev.message"
                + "     ELSE concat_ws('\\n', ev.message, ev.thrown.extendedStackTrace) END, message, log) AS msg"
                + "   FROM lines)"
                + " SELECT ts AS `timestamp`,"
                + "   upper(trim(coalesce(ev.level, log_level, level))) AS log_level,"
                + "   msg AS message,"
                + "   coalesce(kubernetes.pod_name, pod_name) AS pod_name,"
                + "   coalesce(kubernetes.namespace_name, namespace) AS namespace_name,"
                + "   coalesce(kubernetes.container_name, container_name) AS container_name,"
                + "   kubernetes.container_image AS container_image,"
                + "   coalesce(kubernetes.labels.app, app) AS app,"
                + "   coalesce(kubernetes.labels.`spark-app-selector`, spark_app_selector,"
                + "     regexp_extract(path, '/(spark-[^/]+)/[^/]+/[^/]+$', 1)) AS spark_app_selector,"
                + "   kubernetes.labels.`spark-app-name` AS spark_app_name,"
                + "   coalesce(kubernetes.labels.`spark-role`, role) AS spark_role,"
                + "   kubernetes.labels.`spark-version` AS spark_version,"
                + "   kubernetes.labels.queue AS queue,"
                + "   kubernetes.labels.`sparkoperator.k8s.io/submission-id` AS submission_id,"
                + "   coalesce(kubernetes.host, node_name) AS node_name,"
                + "   coalesce(ev.loggerName, logger) AS logger,"
                + "   substr(sha2(concat(path, '\\n', row_id), 256), 1, 32) AS event_id,"
                + "   regexp_extract(path, '/(spark-[^/]+/[^/]+/[^/]+)$', 1) AS source_file,"
                + "   row_id AS line_number,"
                + "   current_timestamp() AS ingested_at,"
                + "   _corrupt_record IS NOT NULL AS invalid_json,"
                + "   _corrupt_record IS NULL AND ts IS NOT NULL AND msg IS NOT NULL AS valid"
                + " FROM timed");

    Observation counts = new Observation("counts");
    rows.observe(
            counts,
            count(lit(1)).as("records"),
            sum(when(col("valid"), 1).otherwise(0)).as("rows"),
            sum(when(col("invalid_json"), 1).otherwise(0)).as("invalid_json"))
        .where("valid")
        .drop("valid", "invalid_json")
        .writeTo("logberg.logs.spark_logs")
        .append();

    Map<String, Object> metrics = counts.getAsJava();
    long records = observed(metrics, "records");
    long written = observed(metrics, "rows");
    // One line the harness parses (key=value). Blank lines never reach Spark's rows, so they are
    // not in records.
    System.out.printf(
        "peer: records=%d rows=%d rejected=%d invalidJson=%s seconds=%.2f%n",
        records,
        written,
        records - written,
        metrics.get("invalid_json"),
        (System.nanoTime() - started) / 1e9);
    spark.stop();
  }

  /**
   * A time field as Logberg reads it. Spark keeps a JSON number in a STRING column as the double's
   * text ({@code 1.736880700518E9}), so numbers are told from ISO text by whether they cast to a
   * double.
   */
  private static String parseTime(String field) {
    String number = "double(" + field + ")";
    return "CASE WHEN "
        + number
        + " IS NOT NULL THEN"
        + " CASE WHEN abs("
        + number
        + ") < 1e11 THEN timestamp_micros(CAST(floor("
        + number
        + " * 1e6) AS BIGINT))"
        + " WHEN abs("
        + number
        + ") < 1e14 THEN timestamp_millis(CAST("
        + number
        + " AS BIGINT)) END"
        + " WHEN "
        + field
        + " RLIKE '(Z|[+-][0-9]{2}:?[0-9]{2})$' THEN CAST("
        + field
        + " AS TIMESTAMP) END";
  }

  /** A count of the write's {@code Observation}, which Spark fills when the write's job ends. */
  private static long observed(Map<String, Object> metrics, String name) {
    Object value = metrics.get(name);
    if (!(value instanceof Number number)) {
      throw new IllegalStateException("the write observed no " + name + ": " + metrics);
    }
    return number.longValue();
  }
}

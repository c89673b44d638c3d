package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logberg.pipeline.parse.ParseOutcome.Parsed;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class LogLineParserTest {
  private static final long INGESTED_AT = 1_737_000_000_123_456L;
  private static final String FILE = "s3://logs/spark-0123456789abcdef/driver.log";
  private static final long LINE = 17;
  private static final String FOLDER_APP_ID = "spark-folder";
  private static final long T_2025_01_15_10_23_45 = 1_736_936_625_000_000L;

  private static final String KUBERNETES =
      """
      {"pod_name":"spark-pi-driver","namespace_name":"spark-jobs","container_name":"spark-kubernetes-driver",\
      "container_image":"apache/spark:3.5.0","host":"node-7","labels":{"app":"spark-pi",\
      "spark-app-selector":"spark-0123456789abcdef","spark-app-name":"spark-pi","spark-role":"driver",\
      "spark-version":"3.5.0","queue":"root.default","sparkoperator.k8s.io/submission-id":"a1b2c3"}}""";

  private final LogLineParser parser = new LogLineParser(INGESTED_AT);

  @Test
  void nestedKubernetesShapeFillsEveryColumn() {
    Row row =
        parse(
            """
            {"timestamp":"2025-01-15T10:23:45.123456Z","log_level":"info","message":"Starting executor ID 1",\
            "kubernetes":%s}"""
                .formatted(KUBERNETES));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45 + 123_456));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("INFO"));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("Starting executor ID 1"));
    assertKubernetesMetadata(row);
    assertThat(row.getString(SparkLogsTable.LOGGER), nullValue());
    assertThat(row.getString(SparkLogsTable.EVENT_ID), equalTo(EventIds.of(FILE, LINE)));
    assertThat(row.getString(SparkLogsTable.SOURCE_FILE), equalTo(FILE));
    assertThat(row.getInt64(SparkLogsTable.LINE_NUMBER), equalTo(LINE));
    assertThat(row.getInt64(SparkLogsTable.INGESTED_AT), equalTo(INGESTED_AT));
  }

  @Test
  void rowsConformToTheRowSchema() {
    Row row = parse("{\"timestamp\":\"2025-01-15T10:23:45Z\",\"message\":\"m\"}");

    assertThat(row.getSchema(), equalTo(SparkLogsTable.ROW_SCHEMA));
    // Row.Builder.build() checks every value against its field type and nullability.
    assertThat(
        Row.withSchema(SparkLogsTable.ROW_SCHEMA).addValues(row.getValues()).build(), equalTo(row));
  }

  @Test
  void flatFluentBitShapeMapsItsFieldNames() {
    Row row =
        parse(
            """
            {"time":"2025-01-15T10:23:45.5+01:00","namespace":"spark-jobs","pod_name":"spark-pi-exec-1",\
            "container_name":"spark-kubernetes-executor","node_name":"node-3","app":"spark-pi","role":"executor",\
            "level":" warn ","message":"Lost task 0.0 in stage 1.0","spark-app-selector":"spark-feed"}""");

    assertThat(
        row.getInt64(SparkLogsTable.TIMESTAMP),
        equalTo(T_2025_01_15_10_23_45 - 3_600_000_000L + 500_000));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("WARN"));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("Lost task 0.0 in stage 1.0"));
    assertThat(row.getString(SparkLogsTable.NAMESPACE_NAME), equalTo("spark-jobs"));
    assertThat(row.getString(SparkLogsTable.POD_NAME), equalTo("spark-pi-exec-1"));
    assertThat(row.getString(SparkLogsTable.CONTAINER_NAME), equalTo("spark-kubernetes-executor"));
    assertThat(row.getString(SparkLogsTable.NODE_NAME), equalTo("node-3"));
    assertThat(row.getString(SparkLogsTable.APP), equalTo("spark-pi"));
    assertThat(row.getString(SparkLogsTable.SPARK_ROLE), equalTo("executor"));
    assertThat(row.getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo("spark-feed"));
    assertThat(row.getString(SparkLogsTable.CONTAINER_IMAGE), nullValue());
    assertThat(row.getString(SparkLogsTable.SPARK_APP_NAME), nullValue());
    assertThat(row.getString(SparkLogsTable.SPARK_VERSION), nullValue());
    assertThat(row.getString(SparkLogsTable.QUEUE), nullValue());
    assertThat(row.getString(SparkLogsTable.SUBMISSION_ID), nullValue());
    assertThat(row.getString(SparkLogsTable.LOGGER), nullValue());
  }

  @Test
  void recordTimeFieldsArePreferredInTheOrderTimestampTimeDateAtTimestamp() {
    String atTimestamp = "\"@timestamp\":\"2025-01-15T10:23:47Z\",\"message\":\"m\"";
    String date = "\"date\":1736936626," + atTimestamp;
    String time = "\"time\":\"2025-01-15T10:23:45Z\"," + date;
    String timestamp = "\"timestamp\":1736936628," + time;

    assertThat(timestampOf("{" + timestamp + "}"), equalTo(T_2025_01_15_10_23_45 + 3_000_000));
    assertThat(timestampOf("{" + time + "}"), equalTo(T_2025_01_15_10_23_45));
    assertThat(timestampOf("{" + date + "}"), equalTo(T_2025_01_15_10_23_45 + 1_000_000));
    assertThat(timestampOf("{" + atTimestamp + "}"), equalTo(T_2025_01_15_10_23_45 + 2_000_000));
    // JSON null counts as absent.
    assertThat(
        timestampOf("{\"time\":null,\"date\":1736936625.25,\"message\":\"m\"}"),
        equalTo(T_2025_01_15_10_23_45 + 250_000));
  }

  @Test
  void flatSparkAppSelectorWithUnderscoreIsAccepted() {
    Row row =
        parse(
            "{\"time\":1736936625,\"message\":\"m\",\"spark_app_selector\":\"spark-underscore\"}");

    assertThat(row.getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo("spark-underscore"));
  }

  @Test
  void log4jEventInLogTakesTimeLevelLoggerAndMessageFromTheEvent() {
    String event =
        """
        {"instant":{"epochSecond":1736936625,"nanoOfSecond":123456789},"thread":"main","level":"INFO",\
        "loggerName":"org.apache.spark.SparkContext","message":"Running Spark version 3.5.0",\
        "endOfBatch":false,"threadId":1,"threadPriority":5}""";
    Row row =
        parse(
            "{\"time\":\"2025-01-15T11:00:00Z\",\"stream\":\"stderr\",\"log\":%s,\"kubernetes\":%s}"
                .formatted(jsonString(event), KUBERNETES));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45 + 123_456));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("INFO"));
    assertThat(row.getString(SparkLogsTable.LOGGER), equalTo("org.apache.spark.SparkContext"));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("Running Spark version 3.5.0"));
    assertKubernetesMetadata(row);
  }

  @Test
  void log4jEventWithTimeMillis() {
    String event =
        "{\"timeMillis\":1736936625123,\"level\":\"ERROR\",\"loggerName\":\"x.Y\",\"message\":\"failed\"}";
    Row row = parse("{\"time\":\"2025-01-15T11:00:00Z\",\"log\":%s}".formatted(jsonString(event)));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45 + 123_000));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("ERROR"));
    assertThat(row.getString(SparkLogsTable.LOGGER), equalTo("x.Y"));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("failed"));
  }

  @Test
  void log4jEventWithoutItsOwnTimeUsesTheRecordTime() {
    String event = "{\"level\":\"DEBUG\",\"message\":\"no time inside\"}";
    Row row = parse("{\"time\":\"2025-01-15T10:23:45Z\",\"log\":%s}".formatted(jsonString(event)));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("no time inside"));
  }

  @Test
  void thrownWithFramesAndCauseIsAppendedToTheMessage() {
    String event =
        """
        {"timeMillis":1736936625000,"level":"ERROR","loggerName":"org.apache.spark.executor.Executor",\
        "message":"Exception in task 0.0","thrown":{"name":"java.lang.IllegalStateException","message":"boom",\
        "extendedStackTrace":[\
        {"class":"org.apache.spark.SparkContext","method":"runJob","file":"SparkContext.scala","line":2393},\
        {"class":"org.apache.spark.rdd.RDD","method":"collect","file":"RDD.scala","line":1049}],\
        "cause":{"name":"java.io.IOException","message":"disk full","extendedStackTrace":[\
        {"class":"java.io.FileOutputStream","method":"writeBytes","line":-2}]}}}""";
    Row row = parse("{\"log\":%s}".formatted(jsonString(event)));

    assertThat(
        row.getString(SparkLogsTable.MESSAGE),
        equalTo(
            """
            Exception in task 0.0
            java.lang.IllegalStateException: boom
            \tat org.apache.spark.SparkContext.runJob(SparkContext.scala:2393)
            \tat org.apache.spark.rdd.RDD.collect(RDD.scala:1049)
            Caused by: java.io.IOException: disk full
            \tat java.io.FileOutputStream.writeBytes(Unknown Source)"""));
  }

  @Test
  void thrownWithAStackTraceStringIsAppendedAsPrinted() {
    String trace = "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1) ~[app.jar:?]";
    String event =
        "{\"timeMillis\":1736936625000,\"message\":\"Job failed\",\"thrown\":{\"name\":\"java.lang.IllegalStateException\","
            + "\"message\":\"boom\",\"extendedStackTrace\":"
            + jsonString(trace)
            + "}}";
    Row row = parse("{\"log\":%s}".formatted(jsonString(event)));

    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("Job failed\n" + trace));
  }

  @Test
  void plainTextLogIsTheMessageWithTheRecordTimeAndKubernetesMetadata() {
    Row row =
        parse(
            "{\"time\":\"2025-01-15T10:23:45Z\",\"stream\":\"stderr\",\"log\":\"25/01/15 10:23:45 INFO SparkContext: hi\","
                + "\"kubernetes\":%s}".formatted(KUBERNETES));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45));
    assertThat(
        row.getString(SparkLogsTable.MESSAGE), equalTo("25/01/15 10:23:45 INFO SparkContext: hi"));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), nullValue());
    assertThat(row.getString(SparkLogsTable.LOGGER), nullValue());
    assertKubernetesMetadata(row);
  }

  @Test
  void logThatOnlyLooksLikeJsonIsPlainText() {
    Row row = parse("{\"time\":\"2025-01-15T10:23:45Z\",\"log\":\"  {not json at all\"}");

    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("  {not json at all"));
  }

  @Test
  void aJsonLogWithoutMessageKeepsItsWholeTextAsTheMessage() {
    String event = "{\"timeMillis\":1736936625000,\"level\":\"INFO\",\"metric\":7}";
    Row row = parse("{\"log\":%s}".formatted(jsonString(event)));

    assertThat(row.getInt64(SparkLogsTable.TIMESTAMP), equalTo(T_2025_01_15_10_23_45));
    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("INFO"));
    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo(event));
  }

  @Test
  void appIdComesFromTheLabelBeforeFlatFieldsBeforeTheFolder() {
    String labelled =
        "{\"time\":1736936625,\"message\":\"m\",\"spark-app-selector\":\"spark-flat\","
            + "\"kubernetes\":{\"labels\":{\"spark-app-selector\":\"spark-label\"}}}";
    assertThat(
        parse(labelled).getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo("spark-label"));
    assertThat(
        parse("{\"time\":1736936625,\"message\":\"m\"}")
            .getString(SparkLogsTable.SPARK_APP_SELECTOR),
        equalTo(FOLDER_APP_ID));
    String nullLabel =
        "{\"time\":1736936625,\"message\":\"m\",\"kubernetes\":{\"labels\":{\"spark-app-selector\":null}}}";
    assertThat(
        parse(nullLabel).getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo(FOLDER_APP_ID));
    String blankLabel =
        "{\"time\":1736936625,\"message\":\"m\",\"kubernetes\":{\"labels\":{\"spark-app-selector\":\" \"}}}";
    assertThat(
        parse(blankLabel).getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo(FOLDER_APP_ID));
  }

  @Test
  void nestedKubernetesMetadataBeatsFlatFields() {
    Row row =
        parse(
            "{\"time\":1736936625,\"message\":\"m\",\"pod_name\":\"flat-pod\",\"namespace\":\"flat-ns\",\"role\":\"executor\","
                + "\"kubernetes\":{\"pod_name\":\"nested-pod\",\"labels\":{\"spark-role\":\"driver\"}}}");

    assertThat(row.getString(SparkLogsTable.POD_NAME), equalTo("nested-pod"));
    assertThat(row.getString(SparkLogsTable.SPARK_ROLE), equalTo("driver"));
    assertThat(row.getString(SparkLogsTable.NAMESPACE_NAME), equalTo("flat-ns"));
  }

  @Test
  void kubernetesThatIsNoObjectIsIgnored() {
    Row row =
        parse("{\"time\":1736936625,\"message\":\"m\",\"pod_name\":\"p\",\"kubernetes\":\"k8s\"}");

    assertThat(row.getString(SparkLogsTable.POD_NAME), equalTo("p"));
  }

  @Test
  void fieldsOfTheWrongJsonTypeBecomeText() {
    Row row =
        parse(
            """
            {"time":1736936625,"level":42,"pod_name":true,"namespace":["a","b"],"app":1.50,\
            "message":{"k":"v","n":[1,2.0],"z":null},"kubernetes":{"container_name":{"x":1},"host":null}}""");

    assertThat(row.getString(SparkLogsTable.LOG_LEVEL), equalTo("42"));
    assertThat(row.getString(SparkLogsTable.POD_NAME), equalTo("true"));
    assertThat(row.getString(SparkLogsTable.NAMESPACE_NAME), equalTo("[\"a\",\"b\"]"));
    assertThat(row.getString(SparkLogsTable.APP), equalTo("1.50"));
    assertThat(
        row.getString(SparkLogsTable.MESSAGE), equalTo("{\"k\":\"v\",\"n\":[1,2.0],\"z\":null}"));
    assertThat(row.getString(SparkLogsTable.CONTAINER_NAME), equalTo("{\"x\":1}"));
    assertThat(row.getString(SparkLogsTable.NODE_NAME), nullValue());
  }

  @Test
  void levelIsTrimmedUpperCasedAndBlankMeansNone() {
    assertThat(levelOf("\"\\tError \""), equalTo("ERROR"));
    assertThat(levelOf("\"  \""), nullValue());
    assertThat(levelOf("null"), nullValue());
  }

  @Test
  void unicodeRoundTripsExactly() {
    String text = "Grüße 日本語 😀 \u0000 \t \" \\";
    Row raw = parse("{\"time\":1736936625,\"message\":%s}".formatted(jsonString(text)));
    Row escaped = parse("{\"time\":1736936625,\"message\":\"caf\\u00e9 \\ud83d\\ude00\"}");
    Row inLog4j =
        parse(
            "{\"log\":%s}"
                .formatted(jsonString("{\"timeMillis\":1,\"message\":" + jsonString(text) + "}")));

    assertThat(raw.getString(SparkLogsTable.MESSAGE), equalTo(text));
    assertThat(escaped.getString(SparkLogsTable.MESSAGE), equalTo("café 😀"));
    assertThat(inLog4j.getString(SparkLogsTable.MESSAGE), equalTo(text));
  }

  @Test
  void aOneMegabyteMessageParses() {
    String message = "é😀x".repeat(250_000);
    Row row = parse("{\"time\":1736936625,\"message\":\"" + message + "\"}");

    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo(message));
  }

  @Test
  void aByteOrderMarkBeforeTheObjectIsIgnored() {
    Row row = parse("\uFEFF{\"time\":1736936625,\"message\":\"m\"}");

    assertThat(row.getString(SparkLogsTable.MESSAGE), equalTo("m"));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(parser);
    }
    LogLineParser copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (LogLineParser) in.readObject();
    }
    ParseOutcome outcome =
        copy.parse("{\"time\":1736936625,\"message\":\"m\"}", FILE, LINE, FOLDER_APP_ID);

    assertThat(((Parsed) outcome).row().getInt64(SparkLogsTable.INGESTED_AT), equalTo(INGESTED_AT));
  }

  private static void assertKubernetesMetadata(Row row) {
    assertThat(row.getString(SparkLogsTable.POD_NAME), equalTo("spark-pi-driver"));
    assertThat(row.getString(SparkLogsTable.NAMESPACE_NAME), equalTo("spark-jobs"));
    assertThat(row.getString(SparkLogsTable.CONTAINER_NAME), equalTo("spark-kubernetes-driver"));
    assertThat(row.getString(SparkLogsTable.CONTAINER_IMAGE), equalTo("apache/spark:3.5.0"));
    assertThat(row.getString(SparkLogsTable.NODE_NAME), equalTo("node-7"));
    assertThat(row.getString(SparkLogsTable.APP), equalTo("spark-pi"));
    assertThat(row.getString(SparkLogsTable.SPARK_APP_SELECTOR), equalTo("spark-0123456789abcdef"));
    assertThat(row.getString(SparkLogsTable.SPARK_APP_NAME), equalTo("spark-pi"));
    assertThat(row.getString(SparkLogsTable.SPARK_ROLE), equalTo("driver"));
    assertThat(row.getString(SparkLogsTable.SPARK_VERSION), equalTo("3.5.0"));
    assertThat(row.getString(SparkLogsTable.QUEUE), equalTo("root.default"));
    assertThat(row.getString(SparkLogsTable.SUBMISSION_ID), equalTo("a1b2c3"));
  }

  private String levelOf(String levelJson) {
    return parse("{\"time\":1736936625,\"message\":\"m\",\"level\":" + levelJson + "}")
        .getString(SparkLogsTable.LOG_LEVEL);
  }

  private long timestampOf(String line) {
    return parse(line).getInt64(SparkLogsTable.TIMESTAMP);
  }

  private Row parse(String line) {
    ParseOutcome outcome = parser.parse(line, FILE, LINE, FOLDER_APP_ID);
    assertThat(outcome, instanceOf(Parsed.class));
    return ((Parsed) outcome).row();
  }

  /** {@code text} as a JSON string literal, quotes and escapes included. */
  private static String jsonString(String text) {
    try {
      return new ObjectMapper().writeValueAsString(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

package dev.logberg.pipeline.parse;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logberg.pipeline.parse.ParseOutcome.Blank;
import dev.logberg.pipeline.parse.ParseOutcome.Parsed;
import dev.logberg.pipeline.parse.ParseOutcome.Rejected;
import dev.logberg.pipeline.parse.Timestamps.InvalidTimestampException;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns one Spark application log line into a {@code spark_logs} row, or says why it cannot.
 *
 * <p>Three line shapes are read, and a line may mix them: Kubernetes metadata nested under {@code
 * kubernetes} (with Spark's pod labels); flat Fluent Bit fields; and a Fluent Bit record whose
 * {@code log} string is a log4j2 JsonLayout event. Where several fields could supply a column, the
 * most specific wins: the log4j event over the record, nested Kubernetes metadata over flat fields.
 */
public final class LogLineParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Schema SCHEMA = SparkLogsTable.ROW_SCHEMA;
  private static final int TIMESTAMP = SCHEMA.indexOf(SparkLogsTable.TIMESTAMP);
  private static final int LOG_LEVEL = SCHEMA.indexOf(SparkLogsTable.LOG_LEVEL);
  private static final int MESSAGE = SCHEMA.indexOf(SparkLogsTable.MESSAGE);
  private static final int POD_NAME = SCHEMA.indexOf(SparkLogsTable.POD_NAME);
  private static final int NAMESPACE_NAME = SCHEMA.indexOf(SparkLogsTable.NAMESPACE_NAME);
  private static final int CONTAINER_NAME = SCHEMA.indexOf(SparkLogsTable.CONTAINER_NAME);
  private static final int CONTAINER_IMAGE = SCHEMA.indexOf(SparkLogsTable.CONTAINER_IMAGE);
  private static final int APP = SCHEMA.indexOf(SparkLogsTable.APP);
  private static final int SPARK_APP_SELECTOR = SCHEMA.indexOf(SparkLogsTable.SPARK_APP_SELECTOR);
  private static final int SPARK_APP_NAME = SCHEMA.indexOf(SparkLogsTable.SPARK_APP_NAME);
  private static final int SPARK_ROLE = SCHEMA.indexOf(SparkLogsTable.SPARK_ROLE);
  private static final int SPARK_VERSION = SCHEMA.indexOf(SparkLogsTable.SPARK_VERSION);
  private static final int QUEUE = SCHEMA.indexOf(SparkLogsTable.QUEUE);
  private static final int SUBMISSION_ID = SCHEMA.indexOf(SparkLogsTable.SUBMISSION_ID);
  private static final int NODE_NAME = SCHEMA.indexOf(SparkLogsTable.NODE_NAME);
  private static final int LOGGER = SCHEMA.indexOf(SparkLogsTable.LOGGER);
  private static final int EVENT_ID = SCHEMA.indexOf(SparkLogsTable.EVENT_ID);
  private static final int SOURCE_FILE = SCHEMA.indexOf(SparkLogsTable.SOURCE_FILE);
  private static final int LINE_NUMBER = SCHEMA.indexOf(SparkLogsTable.LINE_NUMBER);
  private static final int INGESTED_AT = SCHEMA.indexOf(SparkLogsTable.INGESTED_AT);

  /** Record-level time fields, in order of preference. */
  private static final List<String> TIME_FIELDS =
      List.of("timestamp", "time", "date", "@timestamp");

  private static final char BYTE_ORDER_MARK = '\uFEFF';
  private static final Blank BLANK = new Blank();

  private final long ingestedAtMicros;

  /**
   * @param ingestedAtMicros the {@code ingested_at} of every row: one value per job run
   */
  public LogLineParser(long ingestedAtMicros) {
    this.ingestedAtMicros = ingestedAtMicros;
  }

  /**
   * Never throws for bad input: such a line comes back {@link Rejected}.
   *
   * @param folderAppId the application id of the folder the file is in, used when the line carries
   *     none
   */
  public ParseOutcome parse(String line, String sourceFile, long lineNumber, String folderAppId) {
    requireNonNull(line, "line");
    requireNonNull(sourceFile, "sourceFile");
    requireNonNull(folderAppId, "folderAppId");
    String json = !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK ? line.substring(1) : line;
    if (json.isBlank()) {
      return BLANK;
    }
    JsonNode record;
    try {
      record = Json.readValue(json);
    } catch (IOException e) {
      return new Rejected(RejectReason.INVALID_JSON, Json.describe(e));
    }
    if (!record.isObject()) {
      String type = record.getNodeType().name().toLowerCase(Locale.ROOT);
      return new Rejected(RejectReason.NOT_AN_OBJECT, "line is a JSON " + type + ", not an object");
    }
    JsonNode log = Json.present(record, "log");
    JsonNode event = log != null && log.isTextual() ? Log4jDocument.parse(log.textValue()) : null;

    Object[] values = new Object[SCHEMA.getFieldCount()];
    try {
      values[TIMESTAMP] = timestampMicros(record, event);
    } catch (InvalidTimestampException e) {
      return new Rejected(RejectReason.INVALID_TIMESTAMP, e.getMessage());
    }
    if (values[TIMESTAMP] == null) {
      return new Rejected(
          RejectReason.MISSING_TIMESTAMP,
          "no timestamp: none of "
              + String.join(", ", TIME_FIELDS)
              + " (nor a log4j instant or timeMillis)");
    }
    // Plain-text `log` is the message of lines that have no other.
    values[MESSAGE] =
        first(Log4jDocument.message(event), Json.text(record, "message"), Json.text(record, "log"));
    if (values[MESSAGE] == null) {
      return new Rejected(
          RejectReason.MISSING_MESSAGE, "no message (nor log) field, or it is null");
    }
    values[LOG_LEVEL] =
        level(
            first(
                Json.text(event, "level"),
                Json.text(record, "log_level"),
                Json.text(record, "level")));
    values[LOGGER] = first(Json.text(event, "loggerName"), Json.text(record, "logger"));
    putKubernetesMetadata(values, record, folderAppId);
    values[EVENT_ID] = EventIds.of(sourceFile, lineNumber);
    values[SOURCE_FILE] = sourceFile;
    values[LINE_NUMBER] = lineNumber;
    values[INGESTED_AT] = ingestedAtMicros;
    // Every value above has its column's type and required columns are set, so Row's per-field
    // checks
    // would only cost time on every line.
    return new Parsed(Row.withSchema(SCHEMA).attachValues(values));
  }

  /**
   * The line's time in epoch micros, or null when it has none: the log4j event's own time comes
   * first.
   */
  private static @Nullable Long timestampMicros(JsonNode record, @Nullable JsonNode event)
      throws InvalidTimestampException {
    JsonNode instant = Json.present(event, "instant");
    if (instant != null) {
      return Timestamps.toMicros("instant", instant);
    }
    JsonNode timeMillis = Json.present(event, "timeMillis");
    if (timeMillis != null) {
      return Timestamps.fromEpochMillis("timeMillis", timeMillis);
    }
    for (String field : TIME_FIELDS) {
      JsonNode value = Json.present(record, field);
      if (value != null) {
        return Timestamps.toMicros(field, value);
      }
    }
    return null;
  }

  private static void putKubernetesMetadata(Object[] values, JsonNode record, String folderAppId) {
    JsonNode kubernetes = Json.present(record, "kubernetes");
    JsonNode labels = Json.present(kubernetes, "labels");
    values[POD_NAME] = first(Json.text(kubernetes, "pod_name"), Json.text(record, "pod_name"));
    values[NAMESPACE_NAME] =
        first(Json.text(kubernetes, "namespace_name"), Json.text(record, "namespace"));
    values[CONTAINER_NAME] =
        first(Json.text(kubernetes, "container_name"), Json.text(record, "container_name"));
    values[CONTAINER_IMAGE] = Json.text(kubernetes, "container_image");
    values[NODE_NAME] = first(Json.text(kubernetes, "host"), Json.text(record, "node_name"));
    values[APP] = first(Json.text(labels, "app"), Json.text(record, "app"));
    values[SPARK_ROLE] = first(Json.text(labels, "spark-role"), Json.text(record, "role"));
    values[SPARK_APP_NAME] = Json.text(labels, "spark-app-name");
    values[SPARK_VERSION] = Json.text(labels, "spark-version");
    values[QUEUE] = Json.text(labels, "queue");
    values[SUBMISSION_ID] = Json.text(labels, "sparkoperator.k8s.io/submission-id");
    String selector =
        first(
            Json.text(labels, "spark-app-selector"),
            Json.text(record, "spark_app_selector"),
            Json.text(record, "spark-app-selector"));
    // A blank id would file the line under no application; the folder is named after it.
    values[SPARK_APP_SELECTOR] = selector == null || selector.isBlank() ? folderAppId : selector;
  }

  /** Trimmed and upper-cased; a blank level is no level. */
  private static @Nullable String level(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    return raw.strip().toUpperCase(Locale.ROOT);
  }

  private static @Nullable String first(@Nullable String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null) {
        return candidate;
      }
    }
    return null;
  }
}

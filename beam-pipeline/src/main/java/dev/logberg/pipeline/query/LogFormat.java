package dev.logberg.pipeline.query;

import static dev.logberg.pipeline.tables.SparkLogsTable.LOG_LEVEL;
import static dev.logberg.pipeline.tables.SparkLogsTable.MESSAGE;
import static dev.logberg.pipeline.tables.SparkLogsTable.POD_NAME;
import static dev.logberg.pipeline.tables.SparkLogsTable.TIMESTAMP;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/** How {@code logs} prints a row. */
public enum LogFormat {
  /** {@code <time> <level> <pod> <message>}, like {@code kubectl logs --prefix --timestamps}. */
  TEXT {
    @Override
    public String render(Record row) {
      Object level = row.getField(LOG_LEVEL);
      return String.format(
          "%s %-5s %s %s",
          time(row.getField(TIMESTAMP)),
          level == null ? "-" : level,
          row.getField(POD_NAME) == null ? "-" : row.getField(POD_NAME),
          row.getField(MESSAGE));
    }
  },
  /** One JSON object per line with every column, for jq and friends. */
  JSON {
    @Override
    public String render(Record row) {
      ObjectNode line = MAPPER.createObjectNode();
      for (Types.NestedField field : row.struct().fields()) {
        Object value = row.getField(field.name());
        if (value == null) {
          line.putNull(field.name());
        } else if (value instanceof Long number) {
          line.put(field.name(), number);
        } else if (value instanceof OffsetDateTime time) {
          line.put(field.name(), time(time));
        } else {
          line.put(field.name(), value.toString());
        }
      }
      try {
        return MAPPER.writeValueAsString(line);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render a row as JSON", e);
      }
    }
  };

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Microseconds in UTC, always six digits so that lines align and sort as text. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT);

  public abstract String render(Record row);

  private static String time(Object timestamp) {
    return TIME.format(((OffsetDateTime) timestamp).withOffsetSameInstant(ZoneOffset.UTC));
  }

  /**
   * @throws IllegalArgumentException naming the formats there are
   */
  public static LogFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format: use text or json, not '" + name + "'", e);
    }
  }
}

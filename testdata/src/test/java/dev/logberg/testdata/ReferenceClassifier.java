package dev.logberg.testdata;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pipeline's line rules (testdata/README.md, "Rules the counts follow", and the pipeline's
 * LogLineParser), written from the rules and not from the generator, so a test can re-derive every
 * count of a manifest from the files alone. Timestamps: the log4j event's instant or timeMillis,
 * else the first of timestamp, time, date, @timestamp; ISO-8601 needs an offset; epoch numbers
 * below 1e11 are seconds, below 1e14 milliseconds.
 */
final class ReferenceClassifier {
  /** Kinds of line, as in the manifest: a reject reason, or one of these two. */
  static final String VALID = "VALID";

  static final String BLANK = "BLANK";
  private static final List<String> FLAT_TIME_KEYS =
      List.of("timestamp", "time", "date", "@timestamp");

  /** {@code kind} is VALID, BLANK or a reject reason; level and micros only for valid lines. */
  record Line(String kind, String level, long epochMicros) {}

  private ReferenceClassifier() {}

  static Line classify(String line) {
    if (line.isBlank()) {
      return new Line(BLANK, null, 0);
    }
    Object parsed;
    try {
      parsed = MiniJson.parse(line);
    } catch (IllegalArgumentException e) {
      return reject("INVALID_JSON");
    }
    if (!(parsed instanceof Map<?, ?> record)) {
      return reject("NOT_AN_OBJECT");
    }
    // Shape C: the log4j event in "log" wins over the record for time, message and level.
    Map<?, ?> event = record.get("log") instanceof String log ? log4jEvent(log) : null;
    Object time = present(event, "instant");
    if (time == null && present(event, "timeMillis") != null) {
      time = new TimeMillis((BigDecimal) present(event, "timeMillis"));
    }
    if (time == null) {
      time =
          FLAT_TIME_KEYS.stream()
              .map(k -> present(record, k))
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
    }
    // Without a message in the event or the record, plain "log" text is the message.
    Object message =
        first(present(event, "message"), present(record, "message"), present(record, "log"));
    Object level =
        first(present(event, "level"), present(record, "log_level"), present(record, "level"));
    if (time == null) {
      return reject("MISSING_TIMESTAMP");
    }
    Long micros = micros(time);
    if (micros == null) {
      return reject("INVALID_TIMESTAMP");
    }
    if (message == null) {
      return reject("MISSING_MESSAGE");
    }
    return new Line(VALID, (String) level, micros);
  }

  private record TimeMillis(BigDecimal millis) {}

  /** The JsonLayout event in a {@code log} string, or null when the string is not a JSON object. */
  private static Map<?, ?> log4jEvent(String log) {
    try {
      return MiniJson.parse(log) instanceof Map<?, ?> event ? event : null;
    } catch (IllegalArgumentException plainText) {
      return null;
    }
  }

  /** The value of {@code key}, or null when the map is null or the key is missing or JSON null. */
  private static Object present(Map<?, ?> map, String key) {
    Object value = map == null ? null : map.get(key);
    return value == MiniJson.NULL ? null : value;
  }

  private static Object first(Object... candidates) {
    for (Object c : candidates) {
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /** Epoch microseconds (floored), or null if the value is not a usable timestamp. */
  private static Long micros(Object time) {
    if (time instanceof Map<?, ?> instant) {
      long seconds = ((BigDecimal) instant.get("epochSecond")).longValueExact();
      long nanos = ((BigDecimal) instant.get("nanoOfSecond")).longValueExact();
      return seconds * 1_000_000 + nanos / 1000;
    }
    if (time instanceof TimeMillis t) {
      return t.millis().longValueExact() * 1000;
    }
    if (time instanceof String s) {
      try {
        OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        return t.toEpochSecond() * 1_000_000 + t.getNano() / 1000;
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (time instanceof BigDecimal n) {
      // The magnitude says the unit: seconds, then milliseconds, microseconds, nanoseconds.
      int shift =
          n.abs().compareTo(new BigDecimal("1e11")) < 0
              ? 6
              : n.abs().compareTo(new BigDecimal("1e14")) < 0
                  ? 3
                  : n.abs().compareTo(new BigDecimal("1e17")) < 0 ? 0 : -3;
      return n.movePointRight(shift).setScale(0, RoundingMode.FLOOR).longValueExact();
    }
    return null;
  }

  private static Line reject(String reason) {
    return new Line(reason, null, 0);
  }
}

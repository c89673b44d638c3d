package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.pipeline.parse.Timestamps.InvalidTimestampException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {
  private static final String FORMS =
      "is not ISO-8601 with offset, epoch seconds/millis, or a log4j instant";
  private static final String NO_OFFSET = "has no UTC offset (expected Z or +HH:MM at the end)";
  private static final String OUT_OF_RANGE = "is out of range (years 0001-9999)";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2025-01-15T10:23:45.123456Z      | 2025-01-15T10:23:45.123456Z",
        "2025-01-15T10:23:45Z             | 2025-01-15T10:23:45Z",
        "2025-01-15T10:23:45.123Z         | 2025-01-15T10:23:45.123Z",
        "2025-01-15T10:23:45.123456789Z   | 2025-01-15T10:23:45.123456Z",
        "2025-01-15T10:23:45.999999999Z   | 2025-01-15T10:23:45.999999Z",
        "2025-01-15T10:23:45+01:00        | 2025-01-15T09:23:45Z",
        "2025-01-15T10:23:45.5-05:30      | 2025-01-15T15:53:45.5Z",
        "2025-01-15T10:23:45+0100         | 2025-01-15T09:23:45Z",
        "2025-01-15T10:23:45-01           | 2025-01-15T11:23:45Z",
        "2025-01-01T00:30:00+01:00        | 2024-12-31T23:30:00Z",
        "2025-01-15 10:23:45.123Z         | 2025-01-15T10:23:45.123Z",
        "2025-01-15t10:23:45z             | 2025-01-15T10:23:45Z",
        "2025-01-15T10:23:45,25Z          | 2025-01-15T10:23:45.25Z",
        "2025-01-15T10:23Z                | 2025-01-15T10:23:00Z",
        "2024-02-29T12:00:00Z             | 2024-02-29T12:00:00Z",
        "1969-07-20T20:17:40.5-04:00      | 1969-07-21T00:17:40.5Z",
        "0001-01-01T00:00:00Z             | 0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z   | 9999-12-31T23:59:59.999999Z",
      })
  void isoWithOffset(String text, String expectedUtc) throws Exception {
    assertThat(micros(quoted(text)), equalTo(epochMicros(expectedUtc)));
  }

  @Test
  void fractionsBeforeTheEpochFloorDownward() throws Exception {
    assertThat(micros(quoted("1969-12-31T23:59:59.999999999Z")), equalTo(-1L));
    assertThat(micros(quoted("1969-12-31T23:59:59.0000001Z")), equalTo(-1_000_000L));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0                        | 0",
        "1736936625               | 1736936625000000",
        "1736936625.654321        | 1736936625654321",
        "1736936625.1234567       | 1736936625123456",
        "1.736936625654321e9      | 1736936625654321",
        "-1.5                     | -1500000",
        "-0.0000005               | -1",
        "99999999999              | 99999999999000000",
        "100000000000             | 100000000000000",
        "1736936625123            | 1736936625123000",
        "1736936625123.456        | 1736936625123456",
        "1736936625123456         | 1736936625123456",
        "1736936625123456789      | 1736936625123456",
        "-100000000000000001      | -100000000000001",
        "1e-999999999             | 0",
      })
  void epochNumbersTakeTheirUnitFromTheMagnitudeAndAreExact(String number, long expected)
      throws Exception {
    assertThat(micros(number), equalTo(expected));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "1736936625          | 1736936625000000",
        "1736936625.654321   | 1736936625654321",
        "1736936625123       | 1736936625123000",
        "-1.5                | -1500000",
      })
  void numericStringsAreTreatedLikeNumbers(String number, long expected) throws Exception {
    assertThat(micros(quoted(number)), equalTo(expected));
  }

  @Test
  void log4jInstantFloorsNanosToMicros() throws Exception {
    assertThat(
        micros("{\"epochSecond\":1736936625,\"nanoOfSecond\":123456789}"),
        equalTo(1_736_936_625_123_456L));
    assertThat(micros("{\"epochSecond\":1736936625}"), equalTo(1_736_936_625_000_000L));
    assertThat(micros("{\"epochSecond\":-1,\"nanoOfSecond\":999999999}"), equalTo(-1L));
  }

  @Test
  void timeMillisIsMillisWhateverTheMagnitude() throws Exception {
    assertThat(
        Timestamps.fromEpochMillis("timeMillis", Json.readValue("1736936625123")),
        equalTo(1_736_936_625_123_000L));
    assertThat(Timestamps.fromEpochMillis("timeMillis", Json.readValue("5")), equalTo(5_000L));
    assertThat(
        Timestamps.fromEpochMillis("timeMillis", Json.readValue("\"7.5\"")), equalTo(7_500L));
  }

  @Test
  void timeMillisMustBeANumber() {
    InvalidTimestampException e =
        assertThrows(
            InvalidTimestampException.class,
            () -> Timestamps.fromEpochMillis("timeMillis", Json.readValue("\"soon\"")));
    assertThat(
        e.getMessage(), equalTo("timeMillis \"soon\" is not a number of epoch milliseconds"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`', // JSON brings its own double quotes
      value = {
        "\"yesterday\"                          | " + FORMS,
        "\"\"                                   | " + FORMS,
        "true                                    | " + FORMS,
        "[1736936625]                            | " + FORMS,
        "{\"a\":1}                               | has no whole-number epochSecond",
        "{\"epochSecond\":\"1\"}                 | has no whole-number epochSecond",
        "{\"epochSecond\":1,\"nanoOfSecond\":-1} | has a nanoOfSecond outside 0..999999999",
        "\"2025-01-15T10:23:45\"                | " + NO_OFFSET,
        "\"2025-01-15 10:23:45.123\"            | " + NO_OFFSET,
        "\"2025-02-30T00:00:00Z\"               | is not a calendar date",
        "\"2025-01-15T24:00:00Z\"               | " + FORMS,
        "\"2025-01-15T10:23:45.1234567891Z\"    | " + FORMS,
        "\"2025-01-15T10:23:45.Z\"              | " + FORMS,
        "\"2025-01-15T10:23:45+19:00\"          | " + FORMS,
        "\"2025-01-15T10:23:45 UTC\"            | " + FORMS,
        "\"2025-01-15T10:23:45Zjunk\"           | " + FORMS,
        "\"2025-01-15\"                         | " + FORMS,
        "\"0001-01-01T00:00:00+01:00\"          | " + OUT_OF_RANGE,
        "-62135596801                            | " + OUT_OF_RANGE,
        "{\"epochSecond\":253402300800}          | " + OUT_OF_RANGE,
      })
  void unusableValuesAreInvalidWithADetailNamingFieldValueAndProblem(String json, String problem) {
    InvalidTimestampException e = assertThrows(InvalidTimestampException.class, () -> micros(json));
    assertThat(e.getMessage(), equalTo("timestamp " + json + " " + problem));
  }

  @Test
  void numbersBeyondTheRangeAreInvalid() {
    InvalidTimestampException e =
        assertThrows(InvalidTimestampException.class, () -> micros("1e30"));
    assertThat(e.getMessage(), equalTo("timestamp 1E+30 " + OUT_OF_RANGE));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void hugeExponentsAreRejectedWithoutComputingThem() {
    InvalidTimestampException e =
        assertThrows(InvalidTimestampException.class, () -> micros("1e999999999"));
    // Jackson keeps a number that overflows a double as an infinite double.
    assertThat(e.getMessage(), equalTo("timestamp \"Infinity\" " + OUT_OF_RANGE));
  }

  @Test
  void longValuesAreShortenedInTheDetail() {
    String longText = "x".repeat(10_000);
    InvalidTimestampException e =
        assertThrows(InvalidTimestampException.class, () -> micros(quoted(longText)));
    assertThat(e.getMessage(), equalTo("timestamp \"" + "x".repeat(79) + "... " + FORMS));
  }

  private static long micros(String json) throws Exception {
    return Timestamps.toMicros("timestamp", Json.readValue(json));
  }

  private static String quoted(String text) {
    return "\"" + text + "\"";
  }

  /** Independent oracle: java.time; floor-correct because getNano() is never negative. */
  private static long epochMicros(String isoWithOffset) {
    Instant instant = OffsetDateTime.parse(isoWithOffset).toInstant();
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}

package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.logberg.pipeline.parse.ParseOutcome.Blank;
import dev.logberg.pipeline.parse.ParseOutcome.Parsed;
import dev.logberg.pipeline.parse.ParseOutcome.Rejected;
import dev.logberg.pipeline.tables.SparkLogsTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogLineParserRejectsTest {
  private static final String TIME = "\"time\":\"2025-01-15T10:23:45Z\"";

  private final LogLineParser parser = new LogLineParser(0);

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t \t", "\uFEFF", "\uFEFF  \t"})
  void emptyAndWhitespaceOnlyLinesAreBlank(String line) {
    assertThat(parse(line), instanceOf(Blank.class));
  }

  @Test
  void truncatedJsonIsInvalidJson() {
    Rejected rejected =
        reject("{\"time\":\"2025-01-15T10:23:45Z\",\"message\":\"abc", RejectReason.INVALID_JSON);

    assertThat(
        rejected.detail(),
        allOf(startsWith("invalid JSON at column "), containsString("end-of-input")));
  }

  @Test
  void anUnclosedObjectIsInvalidJsonWithoutJacksonsSourceReference() {
    Rejected rejected = reject("{\"message\":\"m\"", RejectReason.INVALID_JSON);

    assertThat(
        rejected.detail(),
        equalTo(
            "invalid JSON at column 15: Unexpected end-of-input: expected close marker for Object"));
  }

  @Test
  void textThatIsNoJsonIsInvalidJson() {
    Rejected rejected =
        reject("25/01/15 10:23:45 INFO SparkContext: hi", RejectReason.INVALID_JSON);

    assertThat(
        rejected.detail(),
        allOf(startsWith("invalid JSON at column "), containsString("Unexpected character ('/'")));
  }

  @Test
  void garbageAfterTheObjectIsInvalidJson() {
    Rejected rejected = reject("{" + TIME + ",\"message\":\"m\"} xyz", RejectReason.INVALID_JSON);

    assertThat(rejected.detail(), containsString("trailing content after the JSON value"));
  }

  @Test
  void aSecondObjectOnTheLineIsInvalidJson() {
    Rejected rejected =
        reject("{" + TIME + ",\"message\":\"m\"}{\"a\":1}", RejectReason.INVALID_JSON);

    assertThat(rejected.detail(), containsString("trailing content after the JSON value"));
  }

  @Test
  void absurdNestingIsInvalidJsonNotAStackOverflow() {
    Rejected rejected = reject("{\"message\":" + "[".repeat(100_000), RejectReason.INVALID_JSON);

    assertThat(rejected.detail(), containsString("nesting depth"));
  }

  @Test
  void invalidJsonDetailsStayShortForHugeLines() {
    Rejected rejected =
        reject("{\"message\":\"" + "x".repeat(1_000_000) + "\" oops}", RejectReason.INVALID_JSON);

    assertThat(rejected.detail().length(), lessThan(200));
  }

  @Test
  void topLevelValuesOtherThanObjectsAreNotAnObject() {
    assertThat(
        notAnObject("[{\"message\":\"m\"}]"), equalTo("line is a JSON array, not an object"));
    assertThat(notAnObject("\"just text\""), equalTo("line is a JSON string, not an object"));
    assertThat(notAnObject("42"), equalTo("line is a JSON number, not an object"));
    assertThat(notAnObject("null"), equalTo("line is a JSON null, not an object"));
  }

  @Test
  void noTimeFieldIsMissingTimestamp() {
    Rejected rejected =
        reject("{\"message\":\"m\",\"timestamp\":null}", RejectReason.MISSING_TIMESTAMP);

    assertThat(
        rejected.detail(),
        equalTo(
            "no timestamp: none of timestamp, time, date, @timestamp (nor a log4j instant or timeMillis)"));
  }

  @Test
  void unusableTimestampIsInvalidTimestampNamingFieldAndValue() {
    assertThat(
        reject("{\"timestamp\":\"yesterday\",\"message\":\"m\"}", RejectReason.INVALID_TIMESTAMP)
            .detail(),
        equalTo(
            "timestamp \"yesterday\" is not ISO-8601 with offset, epoch seconds/millis, or a log4j instant"));
    assertThat(
        reject(
                "{\"time\":\"2025-01-15T10:23:45\",\"message\":\"m\"}",
                RejectReason.INVALID_TIMESTAMP)
            .detail(),
        startsWith("time \"2025-01-15T10:23:45\" has no UTC offset"));
    assertThat(
        reject("{\"@timestamp\":false,\"message\":\"m\"}", RejectReason.INVALID_TIMESTAMP).detail(),
        startsWith("@timestamp false is not ISO-8601"));
  }

  @Test
  void anUnusableFirstTimeFieldIsNotSkippedForALaterOne() {
    reject(
        "{\"timestamp\":\"soon\"," + TIME + ",\"message\":\"m\"}", RejectReason.INVALID_TIMESTAMP);
  }

  @Test
  void anUnusableLog4jInstantIsInvalidEvenWhenTheRecordHasATime() {
    String line =
        "{"
            + TIME
            + ",\"log\":\"{\\\"instant\\\":{\\\"nanoOfSecond\\\":5},\\\"message\\\":\\\"m\\\"}\"}";

    assertThat(
        reject(line, RejectReason.INVALID_TIMESTAMP).detail(),
        equalTo("instant {\"nanoOfSecond\":5} has no whole-number epochSecond"));
  }

  @Test
  void timestampProblemsAreReportedBeforeAMissingMessage() {
    reject("{\"timestamp\":\"soon\"}", RejectReason.INVALID_TIMESTAMP);
    reject("{\"level\":\"INFO\"}", RejectReason.MISSING_TIMESTAMP);
  }

  @Test
  void missingOrNullMessageIsMissingMessage() {
    assertThat(
        reject("{" + TIME + "}", RejectReason.MISSING_MESSAGE).detail(),
        equalTo("no message (nor log) field, or it is null"));
    reject("{" + TIME + ",\"message\":null}", RejectReason.MISSING_MESSAGE);
  }

  @Test
  void anEmptyMessageIsValid() {
    ParseOutcome outcome = parse("{" + TIME + ",\"message\":\"\"}");

    assertThat(((Parsed) outcome).row().getString(SparkLogsTable.MESSAGE), equalTo(""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{                                               | INVALID_JSON",
        "}                                               | INVALID_JSON",
        "{\"timestamp\":                                 | INVALID_JSON",
        "\uFEFF\uFEFF{}                                   | INVALID_JSON",
        "{\"a\":1,}                                        | INVALID_JSON",
        "{'a':1}                                         | INVALID_JSON",
        "{\"a\":NaN}                                       | INVALID_JSON",
        "\"\\ud800\"                                       | NOT_AN_OBJECT",
        "{\"timestamp\":1e999999999,\"message\":\"m\"}      | INVALID_TIMESTAMP",
        "{\"timestamp\":{\"epochSecond\":1e400},\"message\":1} | INVALID_TIMESTAMP",
      })
  void oddLinesAreRejectedNotThrown(String line, RejectReason reason) {
    reject(line, reason);
  }

  @Test
  void rawControlCharactersAreInvalidJson() {
    assertThat(
        reject("\u0000", RejectReason.INVALID_JSON).detail(), containsString("CTRL-CHAR, code 0"));
    assertThat(
        reject("{\"message\":\"a\u0001b\"}", RejectReason.INVALID_JSON).detail(),
        containsString("CTRL-CHAR, code 1"));
  }

  @Test
  void oddlyTypedMetadataAndThrownDoNotStopALine() {
    String line =
        "{\"kubernetes\":{\"labels\":[1]},\"log\":\"{\\\"thrown\\\":[1],\\\"message\\\":\\\"m\\\",\\\"timeMillis\\\":1}\"}";
    ParseOutcome outcome = parse(line);

    assertThat(((Parsed) outcome).row().getString(SparkLogsTable.MESSAGE), equalTo("m\n[1]"));
    assertThat(((Parsed) outcome).row().getString(SparkLogsTable.APP), nullValue());
  }

  private ParseOutcome parse(String line) {
    return parser.parse(line, "f.log", 1, "spark-folder");
  }

  private Rejected reject(String line, RejectReason reason) {
    ParseOutcome outcome = parse(line);
    assertThat(outcome, instanceOf(Rejected.class));
    Rejected rejected = (Rejected) outcome;
    assertThat(rejected.detail(), rejected.reason(), equalTo(reason));
    return rejected;
  }

  private String notAnObject(String line) {
    return reject(line, RejectReason.NOT_AN_OBJECT).detail();
  }
}

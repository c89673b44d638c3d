package dev.logberg.testdata;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one physical line is: a valid record, a blank line, or a malformed line of a known {@link
 * RejectReason}. Every malformed kind breaks exactly one rule, so its reason does not depend on the
 * order the pipeline checks rules in.
 */
enum LineKind {
  VALID(null, null),
  /**
   * Shape C only: the log4j document has neither {@code instant} nor {@code timeMillis}; the outer
   * time counts.
   */
  OUTER_TIME_ONLY(null, null),

  BLANK_EMPTY(null, ""),
  BLANK_SPACES(null, "   "),
  BLANK_TABS(null, " \t\t "),

  /** A valid line cut short, as left by a writer that died mid-line. */
  TRUNCATED(RejectReason.INVALID_JSON, null),
  UNCAUGHT_EXCEPTION_TEXT(
      RejectReason.INVALID_JSON,
      "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure:"
          + " Task 7 in stage 3.0 failed 4 times, most recent failure: Lost task 7.3 in stage 3.0"),
  STACK_FRAME_TEXT(
      RejectReason.INVALID_JSON,
      "\tat org.apache.spark.deploy.SparkSubmit.doRunMain$1(SparkSubmit.scala:1029)"),
  JSON_ARRAY(RejectReason.NOT_AN_OBJECT, "[1,2,3]"),
  JSON_STRING(RejectReason.NOT_AN_OBJECT, "\"executor 3 lost: heartbeat timed out\""),
  JSON_NUMBER(RejectReason.NOT_AN_OBJECT, "1736936625"),
  NO_TIME(RejectReason.MISSING_TIMESTAMP, null),
  /** The time field holds the word {@code "yesterday"}. */
  TIME_WORD(RejectReason.INVALID_TIMESTAMP, null),
  /** The time field is an ISO local date-time without offset, e.g. {@code 2025-01-15T10:23:45}. */
  TIME_NO_OFFSET(RejectReason.INVALID_TIMESTAMP, null),
  /** Shapes A and B: no {@code message} field; shape C: no {@code log} field. */
  NO_MESSAGE(RejectReason.MISSING_MESSAGE, null),
  /** Shapes A and B: {@code "message":null}; shape C: {@code "log":null}. */
  NULL_MESSAGE(RejectReason.MISSING_MESSAGE, null);

  /** Reject reason, or null for valid and blank lines. */
  final @Nullable RejectReason reason;

  /**
   * The whole line when it does not depend on the shape (blank and some malformed kinds), else
   * null.
   */
  final @Nullable String fixedText;

  LineKind(@Nullable RejectReason reason, @Nullable String fixedText) {
    this.reason = reason;
    this.fixedText = fixedText;
  }

  /** The reject reason of a malformed kind; a valid or blank kind has none. */
  RejectReason rejectReason() {
    return Objects.requireNonNull(reason, () -> name() + " is not a rejected kind");
  }

  /** Blank kinds are the fixed texts without a reject reason. */
  boolean isBlank() {
    return reason == null && fixedText != null;
  }

  /** Kinds drawn at random for {@code --size} trees; every reject reason appears. */
  static final LineKind[] RANDOM_REJECTS = {
    TRUNCATED,
    UNCAUGHT_EXCEPTION_TEXT,
    STACK_FRAME_TEXT,
    JSON_ARRAY,
    JSON_STRING,
    JSON_NUMBER,
    NO_TIME,
    TIME_WORD,
    TIME_NO_OFFSET,
    NO_MESSAGE,
    NULL_MESSAGE
  };

  static final LineKind[] RANDOM_BLANKS = {BLANK_EMPTY, BLANK_SPACES, BLANK_TABS};
}

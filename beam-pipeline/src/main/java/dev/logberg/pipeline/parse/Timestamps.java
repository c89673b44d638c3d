package dev.logberg.pipeline.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Timestamp values of a log line as microseconds since the epoch (UTC), always floored, never
 * rounded.
 *
 * <p>Accepted: ISO-8601 date-times with an offset; epoch numbers (or numeric strings) whose
 * magnitude says the unit; log4j instants {@code {epochSecond, nanoOfSecond}}; log4j {@code
 * timeMillis}. The result lies in years 0001-9999, the range query engines read back.
 */
final class Timestamps {
  private Timestamps() {}

  /** A timestamp that is present but unusable; the message is the reject detail. */
  static final class InvalidTimestampException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTimestampException(String detail) {
      super(detail, null, false, false); // bad data, not a bug: a stack trace would only cost time
    }

    /** The detail it was made with, never null. */
    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage());
    }
  }

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MIN_EPOCH_SECOND = -62_135_596_800L; // 0001-01-01T00:00:00Z
  private static final long MAX_EPOCH_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
  private static final long MIN_MICROS = MIN_EPOCH_SECOND * MICROS_PER_SECOND;
  private static final long MAX_MICROS = MAX_EPOCH_SECOND * MICROS_PER_SECOND + 999_999L;

  // Epoch numbers below these magnitudes are seconds, millis, micros; anything larger is nanos.
  private static final BigDecimal SECONDS_BELOW = new BigDecimal("1e11");
  private static final BigDecimal MILLIS_BELOW = new BigDecimal("1e14");
  private static final BigDecimal MICROS_BELOW = new BigDecimal("1e17");

  // Longer numeric strings are no timestamp, and BigDecimal parsing is quadratic in their length.
  private static final int MAX_NUMERIC_TEXT = 40;
  private static final int MAX_FRACTION_DIGITS = 9;
  private static final int MAX_OFFSET_HOURS = 18;

  private static final String FORMS =
      "is not ISO-8601 with offset, epoch seconds/millis, or a log4j instant";

  /**
   * Any timestamp value: ISO-8601 string, epoch number or numeric string, or log4j instant object.
   */
  static long toMicros(String field, JsonNode value) throws InvalidTimestampException {
    if (value.isObject()) {
      return fromInstant(field, value);
    }
    BigDecimal epoch = decimal(field, value);
    if (epoch != null) {
      return scaledToMicros(field, value, epoch, epochUnitToMicrosShift(epoch));
    }
    if (value.isTextual()) {
      return fromIso(field, value);
    }
    throw invalid(field, value, FORMS);
  }

  /** log4j's {@code timeMillis}: epoch milliseconds whatever the magnitude. */
  static long fromEpochMillis(String field, JsonNode value) throws InvalidTimestampException {
    BigDecimal millis = decimal(field, value);
    if (millis == null) {
      throw invalid(field, value, "is not a number of epoch milliseconds");
    }
    return scaledToMicros(field, value, millis, 3);
  }

  /**
   * A JSON number, or a string holding a plain decimal number, as its exact value; null for
   * anything else.
   */
  private static @Nullable BigDecimal decimal(String field, JsonNode value)
      throws InvalidTimestampException {
    if (value.isNumber()) {
      // Jackson keeps floats as BigDecimal, except those that overflow a double: those stay
      // infinite doubles.
      if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
        throw outOfRange(field, value);
      }
      return value.decimalValue();
    }
    return value.isTextual() && isDecimalText(value.textValue())
        ? new BigDecimal(value.textValue())
        : null;
  }

  private static boolean isDecimalText(String text) {
    int length = text.length();
    if (length == 0 || length > MAX_NUMERIC_TEXT) {
      return false;
    }
    int start = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
    boolean digitSeen = false;
    boolean pointSeen = false;
    for (int i = start; i < length; i++) {
      char c = text.charAt(i);
      if (isDigit(c)) {
        digitSeen = true;
      } else if (c == '.' && !pointSeen) {
        pointSeen = true;
      } else {
        return false;
      }
    }
    return digitSeen;
  }

  /** Powers of ten from the number's unit to microseconds, chosen by magnitude. */
  private static int epochUnitToMicrosShift(BigDecimal epoch) {
    BigDecimal magnitude = epoch.abs();
    if (magnitude.compareTo(SECONDS_BELOW) < 0) {
      return 6;
    }
    if (magnitude.compareTo(MILLIS_BELOW) < 0) {
      return 3;
    }
    return magnitude.compareTo(MICROS_BELOW) < 0 ? 0 : -3;
  }

  /** {@code number × 10^shift}, floored to whole microseconds; exact for every decimal. */
  private static long scaledToMicros(String field, JsonNode value, BigDecimal number, int shift)
      throws InvalidTimestampException {
    BigDecimal micros = number.scaleByPowerOfTen(shift);
    // Both guards keep setScale away from huge powers of ten (1e999999999, 1e-999999999): beyond 18
    // integer digits is far out of range, and without integer digits the floor is 0 or -1.
    int integerDigits = micros.precision() - micros.scale();
    if (integerDigits > 18) {
      throw outOfRange(field, value);
    }
    long floored =
        integerDigits <= 0
            ? (micros.signum() < 0 ? -1 : 0)
            : micros.setScale(0, RoundingMode.FLOOR).longValue();
    if (floored < MIN_MICROS || floored > MAX_MICROS) {
      throw outOfRange(field, value);
    }
    return floored;
  }

  private static long fromInstant(String field, JsonNode instant) throws InvalidTimestampException {
    JsonNode seconds = Json.present(instant, "epochSecond");
    if (seconds == null || !seconds.isIntegralNumber()) {
      throw invalid(field, instant, "has no whole-number epochSecond");
    }
    JsonNode nanos = Json.present(instant, "nanoOfSecond");
    int nanoOfSecond = 0;
    if (nanos != null) {
      if (!nanos.isIntegralNumber()
          || !nanos.canConvertToInt()
          || nanos.intValue() < 0
          || nanos.intValue() > 999_999_999) {
        throw invalid(field, instant, "has a nanoOfSecond outside 0..999999999");
      }
      nanoOfSecond = nanos.intValue();
    }
    if (!seconds.canConvertToLong()
        || seconds.longValue() < MIN_EPOCH_SECOND
        || seconds.longValue() > MAX_EPOCH_SECOND) {
      throw outOfRange(field, instant);
    }
    return seconds.longValue() * MICROS_PER_SECOND
        + nanoOfSecond / 1_000; // non-negative nanos: / floors
  }

  /**
   * {@code yyyy-MM-dd('T'|' ')HH:mm[:ss[.fraction]](Z|±HH[[:]mm])}, fraction 1-9 digits (',' also
   * allowed). Hand-written because it runs on nearly every line: no exceptions or allocations when
   * the text is good.
   */
  private static long fromIso(String field, JsonNode value) throws InvalidTimestampException {
    String text = value.textValue();
    int length = text.length();
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    if (year < 0
        || month < 0
        || day < 0
        || hour < 0
        || minute < 0
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(13) != ':'
        || (text.charAt(10) != 'T' && text.charAt(10) != 't' && text.charAt(10) != ' ')) {
      throw invalid(field, value, FORMS);
    }
    int position = 16;
    int second = 0;
    int microOfSecond = 0;
    if (position < length && text.charAt(position) == ':') {
      second = digits(text, position + 1, 2);
      if (second < 0) {
        throw invalid(field, value, FORMS);
      }
      position += 3;
      if (position < length && (text.charAt(position) == '.' || text.charAt(position) == ',')) {
        int fractionStart = ++position;
        while (position < length && isDigit(text.charAt(position))) {
          position++;
        }
        int fractionDigits = position - fractionStart;
        if (fractionDigits == 0 || fractionDigits > MAX_FRACTION_DIGITS) {
          throw invalid(field, value, FORMS);
        }
        microOfSecond = microsOfFraction(text, fractionStart, fractionDigits);
      }
    }
    if (position == length) {
      throw invalid(field, value, "has no UTC offset (expected Z or +HH:MM at the end)");
    }
    int offsetSeconds = offsetSeconds(text, position);
    if (offsetSeconds == Integer.MIN_VALUE || hour > 23 || minute > 59 || second > 59) {
      throw invalid(field, value, FORMS);
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      throw invalid(field, value, "is not a calendar date");
    }
    long epochSecond = epochDay * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
    if (epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND) {
      throw outOfRange(field, value);
    }
    return epochSecond * MICROS_PER_SECOND + microOfSecond;
  }

  /** The first six fraction digits, padded: digits past microseconds are dropped, which floors. */
  private static int microsOfFraction(String text, int start, int count) {
    int micros = 0;
    for (int i = 0; i < 6; i++) {
      micros = micros * 10 + (i < count ? text.charAt(start + i) - '0' : 0);
    }
    return micros;
  }

  /**
   * Offset {@code Z}, {@code ±HH}, {@code ±HHmm} or {@code ±HH:mm} up to the end of the text, else
   * MIN_VALUE.
   */
  private static int offsetSeconds(String text, int position) {
    char sign = text.charAt(position);
    int rest = text.length() - position;
    if (sign == 'Z' || sign == 'z') {
      return rest == 1 ? 0 : Integer.MIN_VALUE;
    }
    if ((sign != '+' && sign != '-') || (rest != 3 && rest != 5 && rest != 6)) {
      return Integer.MIN_VALUE;
    }
    int hours = digits(text, position + 1, 2);
    int minutes;
    if (rest == 3) {
      minutes = 0;
    } else if (rest == 5) {
      minutes = digits(text, position + 3, 2);
    } else {
      minutes = text.charAt(position + 3) == ':' ? digits(text, position + 4, 2) : -1;
    }
    if (hours < 0 || hours > MAX_OFFSET_HOURS || minutes < 0 || minutes > 59) {
      return Integer.MIN_VALUE;
    }
    int seconds = hours * 3_600 + minutes * 60;
    return sign == '-' ? -seconds : seconds;
  }

  /**
   * The non-negative number in {@code count} ASCII digits at {@code start}, or -1 if they are not
   * all there.
   */
  private static int digits(String text, int start, int count) {
    if (start + count > text.length()) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static InvalidTimestampException outOfRange(String field, JsonNode value) {
    return invalid(field, value, "is out of range (years 0001-9999)");
  }

  private static InvalidTimestampException invalid(String field, JsonNode value, String problem) {
    return new InvalidTimestampException(field + " " + Json.brief(value) + " " + problem);
  }
}

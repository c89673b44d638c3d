package dev.logberg.testdata;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Renders instants (epoch nanoseconds) as the input shapes and the manifest write them. Hand-rolled
 * rather than {@code DateTimeFormatter} because it runs for every line of a gigabyte tree.
 */
final class Instants {
  static final long NANOS_PER_MILLI = 1_000_000L;
  static final long NANOS_PER_SECOND = 1_000_000_000L;
  static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long[] POW10 = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  private Instants() {}

  static long nanos(String isoInstant) {
    Instant i = Instant.parse(isoInstant);
    return i.getEpochSecond() * NANOS_PER_SECOND + i.getNano();
  }

  /**
   * The instant with its fraction cut to {@code fractionDigits} digits: what a reader of that text
   * gets back.
   */
  static long truncate(long epochNanos, int fractionDigits) {
    long unit = POW10[9 - fractionDigits];
    return Math.floorDiv(epochNanos, unit) * unit;
  }

  /**
   * Appends {@code yyyy-MM-ddTHH:mm:ss[.fraction]} as seen at {@code offsetMinutes} east of UTC,
   * then {@code Z} or {@code +hh:mm}, or no zone at all when {@code withZone} is false. The
   * fraction is truncated, never rounded.
   */
  static void appendIso(
      StringBuilder sb, long epochNanos, int fractionDigits, int offsetMinutes, boolean withZone) {
    long local = epochNanos + offsetMinutes * 60L * NANOS_PER_SECOND;
    long seconds = Math.floorDiv(local, NANOS_PER_SECOND);
    long nanoOfSecond = Math.floorMod(local, NANOS_PER_SECOND);
    appendDate(sb, Math.floorDiv(seconds, 86_400L));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    sb.append('T');
    append2(sb, secondOfDay / 3600).append(':');
    append2(sb, secondOfDay / 60 % 60).append(':');
    append2(sb, secondOfDay % 60);
    if (fractionDigits > 0) {
      sb.append('.');
      appendPadded(sb, nanoOfSecond / POW10[9 - fractionDigits], fractionDigits);
    }
    if (!withZone) {
      return;
    }
    if (offsetMinutes == 0) {
      sb.append('Z');
      return;
    }
    sb.append(offsetMinutes < 0 ? '-' : '+');
    append2(sb, Math.abs(offsetMinutes) / 60).append(':');
    append2(sb, Math.abs(offsetMinutes) % 60);
  }

  /** {@code HHMMSS} of the instant in UTC, as in Fluent Bit's file names. */
  static void appendCompactTime(StringBuilder sb, long epochNanos) {
    int secondOfDay = (int) Math.floorMod(Math.floorDiv(epochNanos, NANOS_PER_SECOND), 86_400L);
    append2(sb, secondOfDay / 3600);
    append2(sb, secondOfDay / 60 % 60);
    append2(sb, secondOfDay % 60);
  }

  /** The manifest's timestamp form: UTC, always six fraction digits. */
  static String isoMicros(long epochMicros) {
    StringBuilder sb = new StringBuilder(27);
    appendIso(sb, epochMicros * 1000L, 6, 0, true);
    return sb.toString();
  }

  static String day(long epochDay) {
    StringBuilder sb = new StringBuilder(10);
    appendDate(sb, epochDay);
    return sb.toString();
  }

  /**
   * Epoch microseconds, possibly moved up by a few, such that the text {@code seconds.micros}
   * survives a trip through a double: {@code Double.parseDouble} then {@code BigDecimal.valueOf}
   * gives the same number back, and the double is not below it. Then a parser that reads the number
   * as a decimal, and one that reads it as a double and floors to microseconds, both get exactly
   * the value the manifest counts.
   */
  static long doubleSafeEpochMicros(long epochMicros) {
    for (long m = epochMicros; ; m++) {
      String text = epochSecondsText(m);
      double d = Double.parseDouble(text);
      BigDecimal exact = new BigDecimal(text);
      if (BigDecimal.valueOf(d).compareTo(exact) == 0 && new BigDecimal(d).compareTo(exact) >= 0) {
        return m;
      }
    }
  }

  /** {@code 1736936625.123456}: epoch seconds with six fraction digits. */
  static String epochSecondsText(long epochMicros) {
    StringBuilder sb = new StringBuilder(17);
    sb.append(Math.floorDiv(epochMicros, 1_000_000L)).append('.');
    appendPadded(sb, Math.floorMod(epochMicros, 1_000_000L), 6);
    return sb.toString();
  }

  /**
   * Civil date of a day since 1970-01-01 (H. Hinnant's algorithm; proleptic Gregorian, like
   * java.time).
   */
  private static void appendDate(StringBuilder sb, long epochDay) {
    long z = epochDay + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    long doe = z - era * 146_097L;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    appendPadded(sb, year, 4).append('-');
    append2(sb, month).append('-');
    append2(sb, day);
  }

  private static StringBuilder append2(StringBuilder sb, int v) {
    return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static StringBuilder appendPadded(StringBuilder sb, long v, int digits) {
    for (int d = digits - 1; d > 0 && v < POW10[d]; d--) {
      sb.append('0');
    }
    return sb.append(v);
  }
}

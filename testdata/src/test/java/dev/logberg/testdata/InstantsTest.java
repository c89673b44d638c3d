package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-rolled timestamp rendering agrees with java.time, and epoch-second decimals survive a
 * double.
 */
class InstantsTest {
  private static final SplittableRandom RND = new SplittableRandom(5);
  private static final long FROM = Instants.nanos("1999-12-31T00:00:00Z");
  private static final long TO = Instants.nanos("2031-03-01T00:00:00Z");

  @Test
  void isoTextParsesBackToTheTruncatedInstant() {
    int[] offsets = {0, 60, 330, -300, -570};
    for (int i = 0; i < 20_000; i++) {
      long nanos = RND.nextLong(FROM, TO);
      int digits = RND.nextInt(10);
      int offset = offsets[RND.nextInt(offsets.length)];
      StringBuilder sb = new StringBuilder();
      Instants.appendIso(sb, nanos, digits, offset, true);

      OffsetDateTime parsed = OffsetDateTime.parse(sb, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      Instant expected = Instant.ofEpochSecond(0, Instants.truncate(nanos, digits));
      assertThat(sb.toString(), parsed.toInstant(), is(expected));
      assertThat(sb.toString(), parsed.getOffset().getTotalSeconds(), is(offset * 60));
      assertThat(
          sb.toString(),
          sb.toString()
              .matches(
                  "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
                      + (digits == 0 ? "" : "\\.\\d{" + digits + "}")
                      + "(Z|[+-]\\d\\d:\\d\\d)"),
          is(true));
    }
  }

  @Test
  void manifestFormHasSixDigitsAndZ() {
    assertThat(Instants.isoMicros(1_736_936_625_000_001L), is("2025-01-15T10:23:45.000001Z"));
    assertThat(
        Instants.day(Instants.nanos("2024-02-29T12:00:00Z") / 86_400_000_000_000L),
        is("2024-02-29"));
  }

  @Test
  void epochSecondDecimalsGiveTheSameMicrosAsDecimalOrAsDouble() {
    for (int i = 0; i < 20_000; i++) {
      long micros = RND.nextLong(FROM / 1000, TO / 1000);
      long safe = Instants.doubleSafeEpochMicros(micros);
      String text = Instants.epochSecondsText(safe);

      assertThat(safe - micros, allOf(greaterThanOrEqualTo(0L), lessThan(50L)));
      assertThat(new BigDecimal(text).movePointRight(6).longValueExact(), is(safe));
      double d = Double.parseDouble(text);
      assertThat(text, (long) Math.floor(d * 1_000_000), is(safe));
      assertThat(text, BigDecimal.valueOf(d).movePointRight(6).longValueExact(), is(safe));
    }
  }
}

package dev.logberg.pipeline.query;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A time given to {@code --since} or {@code --until}: an instant, a UTC date or an age. */
final class TimeBound {
  static final String FORMAT =
      "[0-9]+[smhd]|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?";
  static final String MISMATCH =
      "'%s' is not an instant (2025-01-15T10:00:00Z), a date (2025-01-15) or an age (30m, 2h, 7d)";

  private static final Pattern AGE = Pattern.compile("([0-9]+)([smhd])");

  private TimeBound() {}

  /**
   * @throws IllegalArgumentException if {@code text} is none of the three forms
   */
  static Instant parse(String text, Instant now) {
    String value = text.trim();
    Matcher age = AGE.matcher(value.toLowerCase(Locale.ROOT));
    if (age.matches()) {
      long amount = Long.parseLong(age.group(1));
      Duration duration =
          switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
      return now.minus(duration);
    }
    try {
      return value.length() == 10
          ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(value).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(MISMATCH.replace("%s", value), e);
    }
  }
}

package dev.logberg.pipeline.query;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Log levels from the least to the most severe, as the parser stores them (upper case). */
public enum Severity {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR,
  FATAL;

  /** This level and every more severe one: what {@code --level=WARN} shows. */
  List<String> andAbove() {
    return Arrays.stream(values()).filter(s -> s.compareTo(this) >= 0).map(Enum::name).toList();
  }

  /**
   * @throws IllegalArgumentException naming the levels there are
   */
  public static Severity parse(String level) {
    String name = level.trim().toUpperCase(Locale.ROOT);
    if (name.equals("WARNING")) {
      return WARN;
    }
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--level: unknown level '" + level + "'; use one of " + Arrays.toString(values()), e);
    }
  }
}

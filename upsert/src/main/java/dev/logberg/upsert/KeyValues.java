package dev.logberg.upsert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Parses {@code key=value} option items, such as catalog properties given on a command line. */
final class KeyValues {
  private KeyValues() {}

  /**
   * Parses {@code items} in order into a map; a later key replaces an earlier one, and a null list
   * gives an empty map.
   *
   * @throws IllegalArgumentException naming {@code option} and the item that is not {@code
   *     key=value}
   */
  static Map<String, String> parse(String option, @Nullable List<String> items) {
    Map<String, String> result = new LinkedHashMap<>();
    if (items == null) {
      return result;
    }
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(option + ": '" + item + "' is not key=value");
      }
      result.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return result;
  }
}

package dev.logberg.bench;

import java.util.ArrayList;
import java.util.List;

/** Wall times of repeated runs of one measurement, in milliseconds. */
final class Samples {
  final String name;
  final List<Long> millis = new ArrayList<>();

  Samples(String name) {
    this.name = name;
  }

  void add(long ms) {
    millis.add(ms);
  }

  boolean isEmpty() {
    return millis.isEmpty();
  }

  double median() {
    List<Long> sorted = millis.stream().sorted().toList();
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  long min() {
    return millis.stream().mapToLong(Long::longValue).min().orElse(0);
  }

  long max() {
    return millis.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  static String seconds(double ms) {
    return String.format("%.2f s", ms / 1000.0);
  }

  /** "median (min - max, n runs)". */
  String summary() {
    if (millis.size() == 1) {
      return seconds(millis.get(0)) + " (1 run)";
    }
    return String.format(
        "%s (%s - %s, %d runs)", seconds(median()), seconds(min()), seconds(max()), millis.size());
  }

  String raw() {
    return millis.stream().map(ms -> String.format("%.2f", ms / 1000.0)).toList().toString();
  }
}

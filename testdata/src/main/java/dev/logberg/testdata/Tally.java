package dev.logberg.testdata;

import java.util.SortedMap;
import java.util.TreeMap;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The manifest's counts for one file; summed per application and for the whole tree. */
final class Tally {
  long files;

  /** On-disk bytes: the compressed size for {@code .gz} files. */
  long bytes;

  /** Physical lines, blank ones included. */
  long lines;

  long blankLines;
  long validLines;
  private final long[] rejects = new long[RejectReason.values().length];
  private final long[] levels = new long[Level.values().length];

  /** Valid lines per UTC day (epoch day), i.e. per value of a {@code day(timestamp)} partition. */
  private final TreeMap<Long, Long> days = new TreeMap<>();

  private long minMicros = Long.MAX_VALUE;
  private long maxMicros = Long.MIN_VALUE;

  void blank() {
    lines++;
    blankLines++;
  }

  void reject(RejectReason reason) {
    lines++;
    rejects[reason.ordinal()]++;
  }

  void valid(Level level, long epochMicros) {
    lines++;
    validLines++;
    levels[level.ordinal()]++;
    minMicros = Math.min(minMicros, epochMicros);
    maxMicros = Math.max(maxMicros, epochMicros);
    days.merge(Math.floorDiv(epochMicros, Instants.MICROS_PER_DAY), 1L, Long::sum);
  }

  void add(Tally other) {
    files += other.files;
    bytes += other.bytes;
    lines += other.lines;
    blankLines += other.blankLines;
    validLines += other.validLines;
    for (int i = 0; i < rejects.length; i++) {
      rejects[i] += other.rejects[i];
    }
    for (int i = 0; i < levels.length; i++) {
      levels[i] += other.levels[i];
    }
    other.days.forEach((day, count) -> days.merge(day, count, Long::sum));
    minMicros = Math.min(minMicros, other.minMicros);
    maxMicros = Math.max(maxMicros, other.maxMicros);
  }

  /** Non-zero reject counts by reason name, names sorted. */
  SortedMap<String, Long> rejectsByReason() {
    TreeMap<String, Long> out = new TreeMap<>();
    for (RejectReason r : RejectReason.values()) {
      if (rejects[r.ordinal()] > 0) {
        out.put(r.name(), rejects[r.ordinal()]);
      }
    }
    return out;
  }

  /** Non-zero valid-line counts by level, names sorted. */
  SortedMap<String, Long> levelsByName() {
    TreeMap<String, Long> out = new TreeMap<>();
    for (Level l : Level.values()) {
      if (levels[l.ordinal()] > 0) {
        out.put(l.name(), levels[l.ordinal()]);
      }
    }
    return out;
  }

  /** Valid lines per UTC day, {@code yyyy-MM-dd} keys in order. */
  SortedMap<String, Long> linesPerDay() {
    TreeMap<String, Long> out = new TreeMap<>();
    days.forEach((day, count) -> out.put(Instants.day(day), count));
    return out;
  }

  /** Earliest valid timestamp, or null without valid lines. */
  @Nullable String minTimestamp() {
    return validLines == 0 ? null : Instants.isoMicros(minMicros);
  }

  /** Latest valid timestamp, or null without valid lines. */
  @Nullable String maxTimestamp() {
    return validLines == 0 ? null : Instants.isoMicros(maxMicros);
  }
}

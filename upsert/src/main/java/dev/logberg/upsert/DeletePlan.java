package dev.logberg.upsert;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Collects the rows to delete into sorted, de-duplicated positions per data file. */
final class DeletePlan {
  private final Map<String, java.util.TreeSet<Long>> positions = new HashMap<>();

  public void add(KeyedRow row) {
    positions.computeIfAbsent(row.file(), f -> new java.util.TreeSet<>()).add(row.position());
  }

  public void add(String file, long[] filePositions) {
    java.util.TreeSet<Long> set = positions.computeIfAbsent(file, f -> new java.util.TreeSet<>());
    for (long position : filePositions) {
      set.add(position);
    }
  }

  public long rowCount() {
    return positions.values().stream().mapToLong(java.util.Set::size).sum();
  }

  /** Positions per data file, each array ascending. */
  public Map<String, long[]> positionsByFile() {
    Map<String, long[]> result = new TreeMap<>();
    positions.forEach(
        (file, set) -> result.put(file, set.stream().mapToLong(Long::longValue).toArray()));
    return result;
  }
}

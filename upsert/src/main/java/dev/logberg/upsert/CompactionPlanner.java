package dev.logberg.upsert;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files of a table compaction rewrites, and which delete files it may then remove: pure
 * decisions on a description of the live files, so that tests call them without a table.
 *
 * <p>Per partition (a spec id plus partition tuple) the candidates are the files with deletes
 * (position deletes, deletion vectors, equality deletes), the empty files (0 rows, as resolution
 * commits leave), the small files (below {@code smallFileBytes}) and, in a table with a sort order,
 * the files not written in it (Beam's Managed writer cannot sort). A partition is rewritten when a
 * candidate has deletes or is unsorted, or when it has at least {@code minInputFiles} candidates,
 * or when it has an empty file next to any other candidate; a partition whose only candidate is one
 * sorted file without deletes is left alone (rewriting it would change nothing).
 *
 * <p>A delete file is removed with the rewrite only if every live data file it applies to is
 * rewritten in the same commit: then no live data file needs it any more.
 */
final class CompactionPlanner {
  private CompactionPlanner() {}

  /**
   * One live data file: its location, size, rows, partition (spec id and tuple, as a string), its
   * deletes, and whether the table has a sort order the file was not written in.
   */
  record LiveFile(
      String location,
      long sizeBytes,
      long recordCount,
      String partition,
      Set<String> deletes,
      boolean unsorted) {
    LiveFile(
        String location, long sizeBytes, long recordCount, String partition, Set<String> deletes) {
      this(location, sizeBytes, recordCount, partition, deletes, false);
    }

    boolean hasDeletes() {
      return !deletes.isEmpty();
    }
  }

  /**
   * One partition's rewrite: the data files to replace and the delete files no live data file needs
   * afterwards.
   */
  record Group(String partition, List<LiveFile> files, Set<String> removableDeletes) {}

  static List<Group> plan(List<LiveFile> live, long smallFileBytes, int minInputFiles) {
    Map<String, List<LiveFile>> candidates = new LinkedHashMap<>();
    for (LiveFile f : live) {
      if (f.hasDeletes()
          || f.unsorted()
          || f.recordCount() == 0
          || f.sizeBytes() < smallFileBytes) {
        candidates.computeIfAbsent(f.partition(), p -> new ArrayList<>()).add(f);
      }
    }
    // Which live data files each delete file applies to.
    Map<String, Set<String>> appliesTo = new LinkedHashMap<>();
    for (LiveFile f : live) {
      f.deletes()
          .forEach(d -> appliesTo.computeIfAbsent(d, x -> new HashSet<>()).add(f.location()));
    }
    List<Group> groups = new ArrayList<>();
    candidates.forEach(
        (partition, files) -> {
          boolean deletes = files.stream().anyMatch(f -> f.hasDeletes() || f.unsorted());
          boolean empty = files.stream().anyMatch(f -> f.recordCount() == 0);
          if (!deletes && files.size() < minInputFiles && !(empty && files.size() > 1)) {
            return;
          }
          Set<String> rewritten = new HashSet<>();
          files.forEach(f -> rewritten.add(f.location()));
          Set<String> removable = new java.util.TreeSet<>();
          for (LiveFile f : files) {
            for (String d : f.deletes()) {
              if (rewritten.containsAll(appliesTo.get(d))) {
                removable.add(d);
              }
            }
          }
          groups.add(new Group(partition, files, removable));
        });
    return groups;
  }
}

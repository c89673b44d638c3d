package dev.logberg.upsert;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which listed files are orphans: not referenced by the table's metadata (any retained snapshot,
 * metadata file, statistics file) and older than the grace period. Pure decisions; {@link
 * TableUpkeep} lists and deletes.
 */
final class OrphanFiles {
  private OrphanFiles() {}

  /** A listed file: its location and when it was written (epoch millis). */
  record Listed(String location, long createdAtMillis) {}

  static List<String> select(
      List<Listed> listed, Set<String> referencedNormalized, long olderThanMillis) {
    List<String> orphans = new ArrayList<>();
    for (Listed f : listed) {
      if (f.createdAtMillis() < olderThanMillis
          && !referencedNormalized.contains(normalize(f.location()))) {
        orphans.add(f.location());
      }
    }
    return orphans;
  }

  /**
   * One spelling per file: Hadoop lists local files as {@code file:/x} while metadata says {@code
   * /x} or {@code file:///x}; S3 may be spelled {@code s3a://} or {@code s3n://}.
   */
  static String normalize(String location) {
    String l = location;
    String lower = l.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      l = l.substring(5);
      while (l.startsWith("//")) {
        l = l.substring(1);
      }
    } else if (lower.startsWith("s3a://") || lower.startsWith("s3n://")) {
      l = "s3://" + l.substring(6);
    }
    while (l.contains("//") && !l.startsWith("s3://") && !l.contains("://")) {
      l = l.replace("//", "/");
    }
    return l;
  }
}

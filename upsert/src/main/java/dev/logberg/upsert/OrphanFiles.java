package dev.logberg.upsert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upkeep's orphan removal: files under the table's folders that its metadata does not reference
 * (any retained snapshot, metadata file, statistics file) and that are older than the grace period
 * are deleted. The decisions ({@link #select}, {@link #normalize}) are pure.
 */
final class OrphanFiles {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanFiles.class);

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

  /**
   * Removes the table's orphan files written before {@code olderThanMillis}; how many went. A
   * FileIO that cannot list (no {@link SupportsPrefixOperations}) leaves them, said in the log.
   */
  static int remove(Table table, long olderThanMillis) {
    if (!(table.io() instanceof SupportsPrefixOperations prefixes)) {
      LOG.info(
          "Orphan removal of {} skipped: its FileIO {} cannot list",
          table.name(),
          table.io().getClass().getName());
      return 0;
    }
    table.refresh();
    // List first, then read what is referenced: a file committed in between is then referenced,
    // never orphaned.
    List<Listed> listed = new ArrayList<>();
    for (String prefix : prefixes(table)) {
      for (FileInfo info : prefixes.listPrefix(prefix)) {
        listed.add(new Listed(info.location(), info.createdAtMillis()));
      }
    }
    table.refresh();
    Set<String> referenced = referenced(table);
    List<String> orphans = select(listed, referenced, olderThanMillis);
    for (String orphan : orphans) {
      LOG.info("Removing orphan file {} of {}", orphan, table.name());
      table.io().deleteFile(orphan);
    }
    return orphans.size();
  }

  /**
   * The folders listed: the table's location and any separate data or metadata location, each
   * ending in '/'.
   */
  private static Set<String> prefixes(Table table) {
    Set<String> prefixes = new TreeSet<>();
    prefixes.add(table.location());
    String data = table.properties().get(TableProperties.WRITE_DATA_LOCATION);
    if (data != null) {
      prefixes.add(data);
    }
    String metadata = table.properties().get(TableProperties.WRITE_METADATA_LOCATION);
    if (metadata != null) {
      prefixes.add(metadata);
    }
    Set<String> withSlash = new TreeSet<>();
    prefixes.forEach(p -> withSlash.add(p.endsWith("/") ? p : p + "/"));
    return withSlash;
  }

  /** Every file the table's metadata references, normalized (see {@link #normalize}). */
  static Set<String> referenced(Table table) {
    Set<String> files = new HashSet<>();
    files.addAll(ReachableFileUtil.metadataFileLocations(table, true));
    files.add(ReachableFileUtil.versionHintLocation(table));
    files.addAll(ReachableFileUtil.statisticsFilesLocations(table));
    for (PartitionStatisticsFile stats : table.partitionStatisticsFiles()) {
      files.add(stats.path());
    }
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (snapshot.manifestListLocation() != null) {
        files.add(snapshot.manifestListLocation());
      }
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        try {
          if (manifest.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(manifest, table.io())) {
              paths.forEach(files::add);
            }
          } else {
            try (var reader =
                ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
              for (DeleteFile d : reader) {
                files.add(d.location());
              }
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    files.addAll(manifests);
    Set<String> normalized = new HashSet<>();
    files.forEach(f -> normalized.add(normalize(f)));
    return normalized;
  }
}

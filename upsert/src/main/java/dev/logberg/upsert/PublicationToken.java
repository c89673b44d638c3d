package dev.logberg.upsert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Names one publication, so that it is committed once however often it is attempted: a Beam bundle
 * retried after its commit succeeded (apache/beam issue 34074 is the same problem in Managed's own
 * commit), or two workers resolving the same plan. The name is the source of the files (the staging
 * table, or {@code direct}) and a hash of the files' locations: new data files have new names, so
 * the same name means the same files.
 */
final class PublicationToken {
  /** Snapshot summary property holding the token of the publication a commit made. */
  static final String PROPERTY = "logberg.publication";

  private PublicationToken() {}

  static String of(String source, Collection<String> fileLocations) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    for (String location : new TreeSet<>(fileLocations)) {
      sha256.update(location.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
    }
    return source + ":" + HexFormat.of().formatHex(sha256.digest(), 0, 12);
  }

  /**
   * The snapshot among the current snapshot's ancestors that committed this publication, or null.
   * All ancestors, not only those after a plan's base: a plan made again after its publication
   * committed (a retried bundle re-runs planning too) has that publication as its base.
   */
  static @Nullable Snapshot find(Table table, String token) {
    table.refresh();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (token.equals(snapshot.summary().get(PROPERTY))) {
        return snapshot;
      }
    }
    return null;
  }
}

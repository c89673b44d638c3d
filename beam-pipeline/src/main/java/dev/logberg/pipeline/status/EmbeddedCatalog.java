package dev.logberg.pipeline.status;

import dev.logberg.pipeline.RunContext;
import dev.logberg.pipeline.tables.LogbergTables;
import dev.logberg.upsert.CatalogSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The embedded default catalog (a sqlite file) serves one run at a time: sqlite has one writer, a
 * run frozen while it holds the lock blocks every other process, and Iceberg's JDBC catalog turns a
 * lock it waited on too long into a failed commit (SQLITE_BUSY after a minute). So a run on it is
 * refused before it touches a table, with what to use instead, when the file stays locked for 5 s
 * or another run's heartbeat moves (watched for at most one lease, so a run killed a moment ago
 * does not block the next one). Overlapping runs need a catalog service.
 */
public final class EmbeddedCatalog {
  /** How long the start waits for the file's lock before it calls it held by another process. */
  private static final int PROBE_MILLIS = 5_000;

  /** Heartbeats younger than this many leases are watched. */
  private static final int RECENT_LEASES = 10;

  private EmbeddedCatalog() {}

  /** Why this run may not start on {@code catalog}, or null when it may (or it is a service). */
  public static @Nullable String refusal(
      CatalogSpec catalog, LogbergTables tables, String jobId, long heartbeatSeconds) {
    String uri = catalog.properties().get("uri");
    if (uri == null || !uri.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String instead =
        " The embedded sqlite catalog serves one run at a time: run again when it has ended, or"
            + " use a catalog service for overlapping runs (--catalogType=jdbc with"
            + " --catalogUri=jdbc:postgresql://..., --catalogType=rest, or --catalogType=glue).";
    String file = uri.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*", "");
    if (Files.exists(Path.of(file)) && !writable(uri)) {
      return "The catalog file "
          + file
          + " is locked by another process (a run that is committing, or frozen while it did),"
          + " for more than "
          + PROBE_MILLIS / 1000
          + " s."
          + instead;
    }
    // A heartbeat is live when it moves: watched for a lease and a beat at most (a run
    // killed a moment ago left a recent one that never moves again).
    Map<String, Long> recent = recentBeats(catalog, tables, jobId, heartbeatSeconds);
    long deadline =
        System.nanoTime()
            + TimeUnit.MICROSECONDS.toNanos(Heartbeat.leaseMicros(heartbeatSeconds))
            + TimeUnit.SECONDS.toNanos(heartbeatSeconds);
    while (!recent.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(Math.max(100, TimeUnit.SECONDS.toMillis(heartbeatSeconds) / 2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      Map<String, Long> now = recentBeats(catalog, tables, jobId, heartbeatSeconds);
      for (Map.Entry<String, Long> beat : now.entrySet()) {
        Long before = recent.get(beat.getKey());
        if (before != null && !before.equals(beat.getValue())) {
          return "Run "
              + beat.getKey()
              + " is running on this catalog (its heartbeat moves)."
              + instead;
        }
      }
      recent.keySet().retainAll(now.keySet());
    }
    return null;
  }

  /**
   * The heartbeats of other runs younger than {@link #RECENT_LEASES} leases, by job id: a loaded
   * catalog delays beats, so a live run's latest beat may be older than one lease.
   */
  private static Map<String, Long> recentBeats(
      CatalogSpec catalog, LogbergTables tables, String jobId, long heartbeatSeconds) {
    Map<String, Long> beats;
    try {
      beats = catalog.apply(c -> Heartbeat.beats(c.loadTable(tables.metadataTable())));
    } catch (NoSuchTableException | NoSuchNamespaceException e) {
      return new HashMap<>(); // a first run: nobody else has started here
    } catch (RuntimeException e) {
      // An unreachable catalog is the table setup's to report, with what to fix.
      return new HashMap<>();
    }
    long live = RunContext.nowMicros() - RECENT_LEASES * Heartbeat.leaseMicros(heartbeatSeconds);
    Map<String, Long> recent = new HashMap<>();
    beats.forEach(
        (job, beat) -> {
          if (!job.equals(jobId) && beat > live) {
            recent.put(job, beat);
          }
        });
    return recent;
  }

  /** Whether a write transaction on the file starts within {@link #PROBE_MILLIS}. */
  private static boolean writable(String uri) {
    try (Connection connection = DriverManager.getConnection(uri);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + PROBE_MILLIS);
      statement.execute("BEGIN IMMEDIATE");
      statement.execute("ROLLBACK");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }
}

package dev.logberg.pipeline.status;

import dev.logberg.pipeline.RunContext;
import dev.logberg.upsert.CatalogSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's proof of life while it holds claims: a metadata-table property {@code
 * logberg.heartbeat.<job id>} holding the time of its latest beat, refreshed every interval by the
 * launching process (the driver or Flink's job manager) for as long as the run lasts, and removed
 * when it ends. A table property rather than rows: beating adds no snapshots, any engine can read
 * it ({@code SHOW TBLPROPERTIES}), and it needs no server of its own.
 *
 * <p>Other runs treat a claim whose heartbeat stopped for {@link #leaseMicros} as lapsed ({@link
 * HeartbeatWatch}).
 */
public final class Heartbeat implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
  static final String PROPERTY_PREFIX = "logberg.heartbeat.";

  /** Leases are this many intervals: a beat may be late twice before others take over. */
  private static final int INTERVALS_PER_LEASE = 3;

  /** Heartbeats of runs that ended long ago without removing theirs (killed) are tidied away. */
  private static final int LEASES_KEPT = 100;

  private final CatalogSpec catalog;
  private final TableIdentifier table;
  private final String key;
  private final long intervalSeconds;
  private final ScheduledExecutorService beats;

  private Heartbeat(
      CatalogSpec catalog, TableIdentifier table, String jobId, long intervalSeconds) {
    // Its catalog clients' tables live no longer than a beat: their S3 clients close with them.
    this.catalog = catalog.withClosingFileIO();
    this.table = table;
    this.key = PROPERTY_PREFIX + jobId;
    this.intervalSeconds = intervalSeconds;
    this.beats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "logberg-heartbeat");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Beats once before returning (so that no claim of this run is ever seen without a heartbeat),
   * then every {@code intervalSeconds} until closed.
   */
  public static Heartbeat start(
      CatalogSpec catalog, TableIdentifier metadataTable, String jobId, long intervalSeconds) {
    Heartbeat heartbeat = new Heartbeat(catalog, metadataTable, jobId, intervalSeconds);
    heartbeat.beat(true);
    heartbeat.beats.scheduleAtFixedRate(
        () -> heartbeat.beat(false), intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    LOG.info("Heartbeat of {} on {} every {} s", jobId, metadataTable, intervalSeconds);
    return heartbeat;
  }

  public static long leaseMicros(long intervalSeconds) {
    return TimeUnit.SECONDS.toMicros(intervalSeconds * INTERVALS_PER_LEASE);
  }

  /** The latest beat of every run that has one, by job id. */
  public static Map<String, Long> beats(Table metadata) {
    Map<String, Long> beats = new HashMap<>();
    metadata
        .properties()
        .forEach(
            (name, value) -> {
              if (name.startsWith(PROPERTY_PREFIX)) {
                try {
                  beats.put(name.substring(PROPERTY_PREFIX.length()), Long.parseLong(value));
                } catch (NumberFormatException e) {
                  LOG.warn("Ignoring heartbeat property {}={}: not a time", name, value);
                }
              }
            });
    return beats;
  }

  /**
   * One beat. A catalog client per beat, closed after it, S3 client and all: a client kept open
   * between beats can hold a sqlite catalog's lock and block the run's own commits.
   */
  private void beat(boolean first) {
    try {
      catalog.apply(c -> commitBeat(c, first));
    } catch (RuntimeException e) {
      if (first) {
        throw new IllegalStateException("cannot start the heartbeat on " + table, e);
      }
      // Missing a beat is survivable; missing a lease lets another run take over, which the
      // upserts keep exact.
      LOG.warn("Heartbeat on {} failed: {}", table, e.toString());
    }
  }

  private @Nullable Void commitBeat(Catalog catalog, boolean first) {
    Table metadata = catalog.loadTable(table);
    long now = RunContext.nowMicros();
    UpdateProperties update = metadata.updateProperties().set(key, Long.toString(now));
    if (first) {
      long stale = now - LEASES_KEPT * leaseMicros(intervalSeconds);
      beats(metadata)
          .forEach(
              (job, beat) -> {
                if (beat < stale) {
                  update.remove(PROPERTY_PREFIX + job);
                }
              });
    }
    update.commit();
    return null;
  }

  /** Stops beating and removes the heartbeat: this run's claims are lapsed from now on. */
  @Override
  public void close() {
    beats.shutdownNow();
    try {
      beats.awaitTermination(intervalSeconds, TimeUnit.SECONDS);
      catalog.apply(
          c -> {
            c.loadTable(table).updateProperties().remove(key).commit();
            return null;
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Removing heartbeat {} from {} failed: {}", key, table, e.toString());
    }
  }
}

package dev.logberg.pipeline.watch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The progress of a job that never ends, one line per run of {@code watch}: how many files were
 * waiting when the run listed, what it landed and how long after its oldest file appeared (the
 * run's worst freshness), rows per minute over the last ten minutes, and the last publication.
 * Keeps the runs of those ten minutes only, so its memory stays flat however long watch runs.
 */
public final class Freshness {
  static final Duration WINDOW = Duration.ofMinutes(10);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * What one run did.
   *
   * @param started when it started (and listed)
   * @param ended when its job ended
   * @param files files it found waiting and landed
   * @param rows rows it published
   * @param oldestModified when the oldest of those files was last changed, or null if none
   * @param exitCode how the run ended ({@code Main}'s exit codes)
   */
  public record Run(
      Instant started,
      Instant ended,
      long files,
      long rows,
      @Nullable Instant oldestModified,
      int exitCode) {}

  private final Instant watching;
  private final Deque<Run> recent = new ArrayDeque<>();
  private @Nullable Instant lastPublication;

  public Freshness(Instant watching) {
    this.watching = watching;
  }

  /** Records {@code run} and says what it did, what is fresh, in one line. */
  public String record(Run run) {
    recent.addLast(run);
    while (recent.getFirst().ended().isBefore(run.ended().minus(WINDOW))) {
      recent.removeFirst();
    }
    if (run.exitCode() == 0 && run.files() > 0) {
      lastPublication = run.ended();
    }
    return String.format(
        Locale.ROOT,
        "%s %s; %,d rows/min over the last %d min; last publication %s",
        CLOCK.format(run.ended()),
        what(run),
        rowsPerMinute(run.ended()),
        minutes(run.ended()),
        lastPublication == null
            ? "none yet"
            : CLOCK.format(lastPublication)
                + " ("
                + Duration.between(lastPublication, run.ended()).toSeconds()
                + " s ago)");
  }

  private static String what(Run run) {
    double seconds = Duration.between(run.started(), run.ended()).toMillis() / 1000.0;
    if (run.exitCode() != 0 && run.files() == 0) {
      return String.format(Locale.ROOT, "run ended with exit code %d", run.exitCode());
    }
    if (run.files() == 0) {
      return String.format(Locale.ROOT, "no file waiting (%.1f s)", seconds);
    }
    Instant oldest = run.oldestModified();
    return String.format(
        Locale.ROOT,
        "%,d %s waiting: landed %,d rows in %.1f s%s%s",
        run.files(),
        run.files() == 1 ? "file" : "files",
        run.rows(),
        seconds,
        oldest == null
            ? ""
            : ", the oldest file "
                + Math.max(0, Duration.between(oldest, run.ended()).toSeconds())
                + " s after it appeared",
        run.exitCode() == 0 ? "" : ", exit code " + run.exitCode());
  }

  private long rowsPerMinute(Instant now) {
    long rows = recent.stream().mapToLong(Run::rows).sum();
    double minutes = Math.max(1, Duration.between(windowStart(now), now).toSeconds()) / 60.0;
    return Math.round(rows / minutes);
  }

  private long minutes(Instant now) {
    return Math.max(1, Duration.between(windowStart(now), now).toMinutes());
  }

  private Instant windowStart(Instant now) {
    Instant start = now.minus(WINDOW);
    return start.isBefore(watching) ? watching : start;
  }
}

package dev.logberg.pipeline.report;

import dev.logberg.pipeline.Counters;
import java.io.PrintStream;
import java.util.Map;

/**
 * Live progress of a run, printed every few seconds while the job runs: the stage, applications,
 * files and bytes done of those claimed, lines, rows, rejects and the rate of rows. On a terminal
 * it is one line rewritten in place; otherwise (a log, a pipe) one line per report.
 */
public final class Progress {
  /** Where a run is, told from its counters. */
  enum Stage {
    DISCOVERING("discovering"),
    CLAIMING("claiming"),
    READING("reading"),
    PUBLISHING("writing and publishing"),
    RECORDING("recording statuses");

    private final String label;

    Stage(String label) {
      this.label = label;
    }

    static Stage of(RunMetrics counters) {
      if (counters.get(Counters.APPS_RECORDING) > 0) {
        return RECORDING;
      }
      if (counters.get(Counters.CLAIMS_COMMITTED) == 0) {
        return counters.get(Counters.FOLDERS_FOUND) == 0 ? DISCOVERING : CLAIMING;
      }
      long filesDone = counters.get(Counters.FILES_READ) + counters.get(Counters.FILES_FAILED);
      boolean read = filesDone >= counters.get(Counters.FILES_PLANNED);
      return read && parsed(counters) >= counters.get(Counters.LINES_READ) ? PUBLISHING : READING;
    }
  }

  private final PrintStream out;
  private final boolean terminal;
  private RunMetrics last = new RunMetrics(Map.of());
  private long lastNanos = System.nanoTime();
  private int lastWidth;

  /**
   * @param terminal rewrite one line in place (with a carriage return) instead of adding lines
   */
  public Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Prints the line for {@code now}, with the rate of rows since the last one printed. */
  public void report(RunMetrics now) {
    long nanos = System.nanoTime();
    String line = line(now, last, (nanos - lastNanos) / 1e9);
    last = now;
    lastNanos = nanos;
    if (terminal) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
      lastWidth = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the rewritten line, so that what follows starts on a line of its own. */
  public void finish() {
    if (terminal && lastWidth > 0) {
      out.println();
      lastWidth = 0;
    }
  }

  static String line(RunMetrics now, RunMetrics before, double seconds) {
    long bytesPlanned = now.get(Counters.BYTES_PLANNED);
    long bytesRead = now.get(Counters.BYTES_READ);
    long rows = now.get(Counters.ROWS_PARSED);
    double rate = seconds > 0 ? (rows - before.get(Counters.ROWS_PARSED)) / seconds : 0;
    return String.format(
        "progress: %s | apps %,d of %,d done | files %,d of %,d, %s of %s MB%s | lines %,d | rows"
            + " %,d | rejects %,d | %,.0f rows/s",
        Stage.of(now).label,
        now.get(Counters.APPS_SUCCEEDED) + now.get(Counters.APPS_FAILED),
        now.get(Counters.FOLDERS_TO_PROCESS),
        now.get(Counters.FILES_READ) + now.get(Counters.FILES_FAILED),
        now.get(Counters.FILES_PLANNED),
        megabytes(bytesRead),
        megabytes(bytesPlanned),
        bytesPlanned == 0 ? "" : String.format(" (%d%%)", percentDone(now)),
        now.get(Counters.LINES_READ),
        rows,
        now.get(Counters.LINES_REJECTED),
        rate);
  }

  /** Lines parsed: rows, rejects and blank lines. */
  static long parsed(RunMetrics counters) {
    return counters.get(Counters.ROWS_PARSED)
        + counters.get(Counters.LINES_REJECTED)
        + counters.get(Counters.LINES_BLANK);
  }

  /**
   * Of the bytes planned, the share read, times the share of the lines read that are parsed
   * (reading may run ahead of parsing).
   */
  static int percentDone(RunMetrics counters) {
    long planned = counters.get(Counters.BYTES_PLANNED);
    long lines = counters.get(Counters.LINES_READ);
    double read = planned == 0 ? 0 : (double) counters.get(Counters.BYTES_READ) / planned;
    double parsed = lines == 0 ? 0 : (double) parsed(counters) / lines;
    return (int) Math.floor(100 * Math.min(1, read) * Math.min(1, parsed));
  }

  private static String megabytes(long bytes) {
    return String.format("%,.1f", bytes / 1e6);
  }
}

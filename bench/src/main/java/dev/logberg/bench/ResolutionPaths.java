package dev.logberg.bench;

import static dev.logberg.bench.BatchPipelines.addedFiles;
import static dev.logberg.bench.BatchPipelines.check;
import static dev.logberg.bench.BatchPipelines.millisSince;
import static dev.logberg.bench.BatchPipelines.phases;
import static dev.logberg.bench.BatchPipelines.snapshotsAfter;

import dev.logberg.bench.BatchPipelines.Mode;
import dev.logberg.bench.BatchPipelines.Phases;
import dev.logberg.bench.BatchPipelines.PipelineRun;
import dev.logberg.upsert.MergeKeyResolver;
import dev.logberg.upsert.UpsertIntoIceberg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Table;

/**
 * The parts of {@link UpsertBenchmark} about UpsertIntoIceberg's two resolution paths: both paths
 * next to the append alone on small tables, and the library's default threshold on the main tables,
 * each run cancelled after the cap.
 */
final class ResolutionPaths {
  private final BatchPipelines pipelines;
  private final JvmProbe probe;
  private final Consumer<String> line;
  private final int capSeconds;
  private final long rowsPerFile;

  ResolutionPaths(
      BatchPipelines pipelines,
      JvmProbe probe,
      Consumer<String> line,
      int capSeconds,
      long rowsPerFile) {
    this.pipelines = pipelines;
    this.probe = probe;
    this.line = line;
    this.capSeconds = capSeconds;
    this.rowsPerFile = rowsPerFile;
  }

  /**
   * Both resolution paths of UpsertIntoIceberg next to the append alone, on tables small enough for
   * both.
   */
  void series(List<Long> sizes) {
    int cap = capSeconds;
    line.accept("## UpsertIntoIceberg's two resolution paths (DirectRunner), by table size");
    line.accept("");
    line.accept(
        "One run each; the batch re-sends 10% of the keys. \"resolution\" is the time from the append's commit to the"
            + " resolution's commit (snapshot timestamps). Runs still going after "
            + cap
            + " s are cancelled.");
    line.accept("");
    line.accept(
        "| table rows | batch rows | append-only | upsert, in-process path (resolution) |"
            + " upsert, distributed path (resolution) | resolveAppends alone |");
    line.accept("|---|---|---|---|---|---|");
    List<String> notes = new ArrayList<>();
    for (long n : sizes) {
      String p = UpsertBenchmark.label(n);
      long batch = LogRows.batchSize(n, 1);
      Table base = pipelines.createBase(p, n, rowsPerFile);

      Table a = pipelines.lake().cloneOf(base, p + "_append");
      long aBase = a.currentSnapshot().snapshotId();
      UpsertBenchmark.progress("%s: append-only", p);
      probe.start();
      PipelineRun append = pipelines.run(p + "_append", n, 1, Mode.APPEND, 0);
      notes.add(
          String.format(
              "%,d rows, append-only %s: %s; %d data files added",
              n,
              Samples.seconds(append.millis()),
              probe.window(),
              addedFiles(a, snapshotsAfter(a, aBase))));
      probe.start();
      long r0 = System.nanoTime();
      MergeKeyResolver.Outcome outcome =
          MergeKeyResolver.resolveAppends(a, LogRows.KEYS, snapshotsAfter(a, aBase));
      long resolveMs = millisSince(r0);
      check(
          outcome.deletedRows() == batch,
          "%s: resolveAppends deleted %,d rows, expected %,d",
          a.name(),
          outcome.deletedRows(),
          batch);

      String[] cells = new String[2];
      Mode[] modes = {Mode.UPSERT_IN_PROCESS, Mode.UPSERT_DISTRIBUTED};
      for (int m = 0; m < 2; m++) {
        String name = p + (m == 0 ? "_upsert_local" : "_upsert_dist");
        Table u = pipelines.lake().cloneOf(base, name);
        long uBase = u.currentSnapshot().snapshotId();
        UpsertBenchmark.progress("%s: %s", p, modes[m].label());
        probe.start();
        PipelineRun run = pipelines.run(name, n, 1, modes[m], cap);
        Phases phases = phases(u, uBase, run);
        if (run.finished()) {
          checkDeletedOnePerBatchRow(u, run, batch);
          cells[m] =
              Samples.seconds(run.millis())
                  + " ("
                  + Samples.seconds(phases.resolutionMillis())
                  + ")";
          notes.add(
              String.format(
                  "%,d rows, %s %s: %s; %s",
                  n,
                  modes[m].label(),
                  Samples.seconds(run.millis()),
                  phases.text(),
                  probe.window()));
        } else {
          String window = probe.window();
          int quiet = JvmProbe.awaitQuiet(120);
          cells[m] = "> " + Samples.seconds(run.millis()) + " (cancelled)";
          notes.add(
              String.format(
                  "%,d rows, %s: cancelled after %s; %s; %s; runner threads %s",
                  n,
                  modes[m].label(),
                  Samples.seconds(run.millis()),
                  phases.text(),
                  window,
                  quiet < 0 ? "still busy 120 s later" : "stopped within " + quiet + " s"));
        }
      }
      line.accept(
          String.format(
              "| %,d | %,d | %s | %s | %s | %s |",
              n,
              batch,
              Samples.seconds(append.millis()),
              cells[0],
              cells[1],
              Samples.seconds(resolveMs)));
    }
    line.accept("");
    notes.forEach(note -> line.accept("- " + note));
    line.accept("");
  }

  /**
   * UpsertIntoIceberg with the library's default threshold, on a fresh copy of each main table
   * whose plan exceeds it (so that it takes the distributed path), cancelled after the cap. Last in
   * the run, so that a cancelled pipeline cannot disturb another measurement; larger tables are not
   * tried once one hit the cap.
   */
  void upsertMainTables(Map<Long, Table> bases) {
    int cap = capSeconds;
    long cappedAtRows = Long.MAX_VALUE;
    line.accept(
        "## UpsertIntoIceberg with its default threshold ("
            + String.format("%,d", UpsertIntoIceberg.DEFAULT_IN_PROCESS_MAX_ROWS)
            + " batch rows) on the main tables");
    line.accept("");
    for (Map.Entry<Long, Table> entry : bases.entrySet()) {
      long n = entry.getKey();
      String p = UpsertBenchmark.label(n);
      long batch = LogRows.batchSize(n, 1);
      if (batch <= UpsertIntoIceberg.DEFAULT_IN_PROCESS_MAX_ROWS) {
        line.accept(
            String.format(
                "- %,d rows: the batch holds %,d rows, within the threshold: the in-process path measured"
                    + " above",
                n, batch));
        continue;
      }
      if (n >= cappedAtRows) {
        line.accept(
            String.format(
                "- %,d rows: the batch holds %,d rows, over the threshold: distributed path; not run, it"
                    + " did not finish within %d s on %,d rows",
                n, batch, cap, cappedAtRows));
        continue;
      }
      Table u = pipelines.lake().cloneOf(entry.getValue(), p + "_upsert_default");
      long uBase = u.currentSnapshot().snapshotId();
      UpsertBenchmark.progress(
          "%s: UpsertIntoIceberg, default threshold (cancelled after %d s)", p, cap);
      probe.start();
      PipelineRun run = pipelines.run(p + "_upsert_default", n, 1, Mode.UPSERT_DEFAULT, cap);
      String prefix =
          String.format(
              "- %,d rows: the batch holds %,d rows, over the threshold: distributed path; ",
              n, batch);
      if (run.finished()) {
        checkDeletedOnePerBatchRow(u, run, batch);
        line.accept(
            prefix
                + String.format(
                    "upsert %s; %s; %s",
                    Samples.seconds(run.millis()), phases(u, uBase, run).text(), probe.window()));
      } else {
        cappedAtRows = Math.min(cappedAtRows, n);
        String window = probe.window();
        int quiet = JvmProbe.awaitQuiet(120);
        line.accept(
            prefix
                + String.format(
                    "> %s: cancelled, not finished; %s; %s; %s",
                    Samples.seconds(run.millis()),
                    phases(u, uBase, run).text(),
                    window,
                    quiet < 0
                        ? "the runner's threads were still busy 120 s after the cancel"
                        : "the runner's threads stopped within " + quiet + " s of the cancel"));
      }
    }
    line.accept("");
  }

  /** A finished upsert of a batch re-sending existing keys deleted one old row per batch row. */
  private static void checkDeletedOnePerBatchRow(Table table, PipelineRun run, long batch) {
    check(
        run.deletedRows() == batch,
        "%s: the upsert deleted %,d rows, expected %,d",
        table.name(),
        run.deletedRows(),
        batch);
  }
}

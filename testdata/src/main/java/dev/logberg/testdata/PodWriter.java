package dev.logberg.testdata;

import dev.logberg.testdata.TreePlan.AppPlan;
import dev.logberg.testdata.TreePlan.FilePlan;
import dev.logberg.testdata.TreePlan.PodPlan;
import dev.logberg.testdata.TreePlan.Special;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes one pod's log files line by line and counts what it wrote. Uses only the pod's own random
 * stream.
 */
final class PodWriter {
  /**
   * Lines are at least this far apart, so cutting a timestamp to milliseconds never reorders lines.
   * (StrictMath for the exponential gaps: Math.log may differ in the last bit between CPUs, and the
   * checked-in tree must not.)
   */
  static final long MIN_STEP_NANOS = 10 * Instants.NANOS_PER_MILLI;

  /** Out of 100,000 lines of a {@code --size} tree: about 0.1% rejected, 0.5% blank. */
  private static final int REJECTS_PER_100K = 100;

  private static final int BLANKS_PER_100K = 500;

  private final PodPlan pod;
  private final Path podDir;
  private final SplittableRandom rnd;
  private final PodContext ctx;
  private final SparkMessages messages;
  private final ShapeRenderer renderer;
  private final LogEvent event = new LogEvent();
  private final StringBuilder line = new StringBuilder(8192);
  private long clock;

  PodWriter(AppPlan app, PodPlan pod, Path podDir) {
    this.pod = pod;
    this.podDir = podDir;
    this.rnd = pod.rnd();
    this.ctx = new PodContext(app, pod);
    this.messages = new SparkMessages(ctx, rnd);
    this.renderer = new ShapeRenderer(rnd);
  }

  /** Writes the pod's files in order and returns one tally per file. */
  List<Tally> write() throws IOException {
    Files.createDirectories(podDir);
    clock = pod.startNanos();
    List<Tally> tallies = new ArrayList<>();
    for (FilePlan file : pod.files()) {
      tallies.add(writeFile(file));
    }
    return tallies;
  }

  private Tally writeFile(FilePlan file) throws IOException {
    Path path = podDir.resolve(TreeLayout.fileName(pod.podName(), clock, file.gzip(), rnd));
    Tally tally = new Tally();
    try (Utf8LineWriter out = new Utf8LineWriter(path, file.gzip(), file.finalNewline())) {
      boolean scripted = file.lineCount() > 0;
      for (int i = 0;
          scripted ? i < file.lineCount() : i == 0 || out.bytes() < file.byteBudget();
          i++) {
        writeLine(out, file, scripted ? file.specials()[i] : randomSpecial(), tally);
        clock +=
            MIN_STEP_NANOS + (long) (-pod.meanStepNanos() * StrictMath.log(1 - rnd.nextDouble()));
      }
    }
    tally.files = 1;
    tally.bytes = Files.size(path);
    return tally;
  }

  /**
   * For {@code --size} trees: mostly ordinary lines, a few blank and rejected ones of every kind.
   */
  private @Nullable Special randomSpecial() {
    int r = rnd.nextInt(100_000);
    if (r < REJECTS_PER_100K) {
      return new Special(
          LineKind.RANDOM_REJECTS[rnd.nextInt(LineKind.RANDOM_REJECTS.length)], MessageKind.RANDOM);
    }
    if (r < REJECTS_PER_100K + BLANKS_PER_100K) {
      return new Special(
          LineKind.RANDOM_BLANKS[rnd.nextInt(LineKind.RANDOM_BLANKS.length)], MessageKind.RANDOM);
    }
    return null;
  }

  private void writeLine(Utf8LineWriter out, FilePlan file, @Nullable Special special, Tally tally)
      throws IOException {
    LineKind kind = special == null ? LineKind.VALID : special.kind();
    if (kind.fixedText != null) {
      out.writeLine(kind.fixedText);
      if (kind.isBlank()) {
        tally.blank();
      } else {
        tally.reject(kind.rejectReason());
      }
      return;
    }
    List<Shape> shapes = file.shapes();
    Shape shape = shapes.size() == 1 ? shapes.get(0) : shapes.get(rnd.nextInt(shapes.size()));
    messages.fill(event, special == null ? MessageKind.RANDOM : special.message());
    line.setLength(0);
    if (kind == LineKind.TRUNCATED) {
      renderer.render(line, shape, ctx, event, clock, LineKind.VALID);
      cut(line);
      tally.reject(kind.rejectReason());
    } else {
      long micros = renderer.render(line, shape, ctx, event, clock, kind);
      RejectReason reason = kind.reason;
      if (reason == null) {
        tally.valid(event.level, micros);
      } else {
        tally.reject(reason);
      }
    }
    out.writeLine(line);
  }

  /** Keeps 40-80% of a valid line: an object without its closing brace is never valid JSON. */
  private void cut(StringBuilder sb) {
    int at = Math.max(1, sb.length() * (40 + rnd.nextInt(41)) / 100);
    if (Character.isHighSurrogate(sb.charAt(at - 1))) {
      at--;
    }
    sb.setLength(at);
  }
}

package dev.logberg.testdata;

import static dev.logberg.testdata.LineKind.BLANK_EMPTY;
import static dev.logberg.testdata.LineKind.BLANK_SPACES;
import static dev.logberg.testdata.LineKind.BLANK_TABS;
import static dev.logberg.testdata.LineKind.JSON_ARRAY;
import static dev.logberg.testdata.LineKind.JSON_NUMBER;
import static dev.logberg.testdata.LineKind.JSON_STRING;
import static dev.logberg.testdata.LineKind.NO_MESSAGE;
import static dev.logberg.testdata.LineKind.NO_TIME;
import static dev.logberg.testdata.LineKind.NULL_MESSAGE;
import static dev.logberg.testdata.LineKind.OUTER_TIME_ONLY;
import static dev.logberg.testdata.LineKind.STACK_FRAME_TEXT;
import static dev.logberg.testdata.LineKind.TIME_NO_OFFSET;
import static dev.logberg.testdata.LineKind.TIME_WORD;
import static dev.logberg.testdata.LineKind.TRUNCATED;
import static dev.logberg.testdata.LineKind.UNCAUGHT_EXCEPTION_TEXT;
import static dev.logberg.testdata.MessageKind.EMPTY;
import static dev.logberg.testdata.MessageKind.LONG_TRACE;
import static dev.logberg.testdata.MessageKind.QUOTED;
import static dev.logberg.testdata.MessageKind.UNICODE;

import dev.logberg.testdata.TreePlan.AppPlan;
import dev.logberg.testdata.TreePlan.ExtraFile;
import dev.logberg.testdata.TreePlan.FilePlan;
import dev.logberg.testdata.TreePlan.Origin;
import dev.logberg.testdata.TreePlan.PodPlan;
import dev.logberg.testdata.TreePlan.Special;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Plans the small checked-in tree ({@code --profile testdata}): five applications with every edge
 * case the pipeline must handle placed on purpose, the rest ordinary lines. Which line of a file
 * holds an edge case is drawn from the seed; which edge cases exist, and in which file, is fixed
 * here.
 */
final class TestdataProfile {
  static final String NAME = "testdata";

  private static final long MINUTE_NANOS = 60L * Instants.NANOS_PER_SECOND;
  private static final int MIN_LINES = 200;
  private static final int MAX_LINES = 280;

  private static final String FLUENT_BIT_CHUNK =
      """
      {"time":"2025-01-15T08:00:01.000Z","namespace":"logging","pod_name":"fluent-bit-7xk2p","container_name":"fluent-bit","node_name":"ip-10-0-1-23.ec2.internal","level":"INFO","message":"[output:s3:s3.0] Successfully uploaded object /spark-team-a/spark-logs/000001.json"}
      {"time":"2025-01-15T08:00:31.000Z","namespace":"logging","pod_name":"fluent-bit-7xk2p","container_name":"fluent-bit","node_name":"ip-10-0-1-23.ec2.internal","level":"WARN","message":"[engine] failed to flush chunk '1-1736928031.123456789.flb', retry in 10 seconds: task_id=3, input=tail.0 > output=s3.0"}
      {"time":"2025-01-15T08:00:41.000Z","namespace":"logging","pod_name":"fluent-bit-7xk2p","container_name":"fluent-bit","node_name":"ip-10-0-1-23.ec2.internal","level":"INFO","message":"[engine] flush chunk '1-1736928031.123456789.flb' succeeded at retry 1: task_id=3, input=tail.0 > output=s3.0"}
      """;

  private TestdataProfile() {}

  /** One file of a pod: its shapes and its scripted lines. */
  private record FileScript(
      List<Shape> shapes,
      List<Special> specials,
      @Nullable Special last,
      boolean gzip,
      boolean finalNewline) {

    FileScript endingWith(LineKind kind) {
      return new FileScript(shapes, specials, line(kind), gzip, finalNewline);
    }

    FileScript compressed() {
      return new FileScript(shapes, specials, last, true, finalNewline);
    }

    FileScript withoutFinalNewline() {
      return new FileScript(shapes, specials, last, gzip, false);
    }
  }

  static TreePlan plan(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<AppPlan> apps = new ArrayList<>();

    // 1: shape A only; runs across midnight, so its rows fall into two day partitions.
    apps.add(
        app(
            rnd,
            "etl-daily",
            "3.5.1",
            "root.etl",
            "2025-01-14T23:12:07Z",
            150,
            List.of(file(Shape.A, TRUNCATED, TIME_WORD, UNICODE, QUOTED, BLANK_EMPTY)),
            List.of(file(Shape.A, NO_TIME, JSON_ARRAY, BLANK_SPACES)),
            List.of(file(Shape.A, NO_MESSAGE, TIME_NO_OFFSET).endingWith(BLANK_EMPTY))));

    // 2: shape B only (every time key: time, date as seconds or millis, @timestamp with an offset).
    apps.add(
        app(
            rnd,
            "sessionize-clicks",
            "3.5.3",
            "root.analytics",
            "2025-01-15T06:41:53Z",
            90,
            List.of(file(Shape.B, UNCAUGHT_EXCEPTION_TEXT, NULL_MESSAGE, EMPTY, UNICODE)),
            List.of(file(Shape.B, TIME_NO_OFFSET, JSON_STRING, BLANK_TABS)),
            List.of(file(Shape.B, NO_TIME, QUOTED)),
            List.of(file(Shape.B, NO_MESSAGE).withoutFinalNewline())));

    // 3: shape C only; the driver's log was rotated into two files.
    apps.add(
        app(
            rnd,
            "ml-feature-build",
            "3.5.1",
            "root.ml",
            "2025-01-15T13:05:12Z",
            180,
            List.of(
                file(Shape.C, NO_MESSAGE, OUTER_TIME_ONLY, OUTER_TIME_ONLY),
                file(Shape.C, TRUNCATED, TIME_WORD, UNICODE)),
            List.of(file(Shape.C, NO_TIME, QUOTED)),
            List.of(file(Shape.C, BLANK_SPACES, OUTER_TIME_ONLY))));

    // 4: shapes mixed by file; the driver holds the ~20 KB stack trace line. Runs across midnight
    // too.
    apps.add(
        app(
            rnd,
            "inventory-sync",
            "3.4.3",
            "root.default",
            "2025-01-15T22:48:30Z",
            120,
            List.of(file(Shape.A, LONG_TRACE, UNICODE, QUOTED)),
            List.of(file(Shape.B, STACK_FRAME_TEXT)),
            List.of(file(Shape.C, JSON_ARRAY)),
            List.of(file(Shape.A, TRUNCATED, BLANK_EMPTY))));

    // 5: shapes mixed line by line; one executor's file is gzip-compressed.
    List<Shape> mixed = List.of(Shape.A, Shape.B, Shape.C);
    apps.add(
        app(
            rnd,
            "fraud-scoring",
            "3.5.1",
            "root.default",
            "2025-01-16T03:17:45Z",
            60,
            List.of(file(mixed, QUOTED, JSON_NUMBER, UNICODE)),
            List.of(file(mixed, TIME_WORD, EMPTY)),
            List.of(file(mixed, TRUNCATED, NO_MESSAGE, BLANK_TABS).compressed())));

    String emptyApp = TreeLayout.appId(rnd);
    List<ExtraFile> extras =
        List.of(
            new ExtraFile(TreeLayout.IGNORED_FOLDER + "/chunk_000001.json", FLUENT_BIT_CHUNK),
            new ExtraFile(emptyApp + "/" + TreeLayout.GITKEEP, ""));
    return new TreePlan(
        new Origin(seed, NAME, 0),
        List.copyOf(apps),
        extras,
        List.of(TreeLayout.IGNORED_FOLDER),
        List.of(emptyApp));
  }

  /**
   * An application starting at {@code start} and running {@code minutes}: the first pod is the
   * driver, the others executors that start a little later and stop a little earlier.
   */
  @SafeVarargs
  private static AppPlan app(
      SplittableRandom rnd,
      String appName,
      String version,
      String queue,
      String start,
      int minutes,
      List<FileScript>... podFiles) {
    String prefix = TreeLayout.podPrefix(appName, rnd);
    // A random fraction of a second, so the first timestamps are not suspiciously round.
    long startNanos = Instants.nanos(start) + rnd.nextLong(Instants.NANOS_PER_SECOND);
    long duration = minutes * MINUTE_NANOS;
    List<PodPlan> pods = new ArrayList<>();
    for (int e = 0; e < podFiles.length; e++) {
      long offset = e == 0 ? 0 : (20 + rnd.nextInt(70)) * Instants.NANOS_PER_SECOND;
      long podDuration = e == 0 ? duration : duration * (75 + rnd.nextInt(20)) / 100 - offset;
      List<FilePlan> files = new ArrayList<>();
      int lines = 0;
      for (FileScript script : podFiles[e]) {
        FilePlan file = place(script, rnd.nextInt(MIN_LINES, MAX_LINES + 1), rnd);
        files.add(file);
        lines += file.lineCount();
      }
      long meanStep = podDuration / lines - PodWriter.MIN_STEP_NANOS;
      String name = e == 0 ? TreeLayout.driverPod(prefix) : TreeLayout.executorPod(prefix, e);
      pods.add(
          new PodPlan(
              name,
              e,
              TreeLayout.node(rnd),
              TreeLayout.ip(rnd),
              startNanos + offset,
              meanStep,
              rnd.split(),
              List.copyOf(files)));
    }
    return new AppPlan(
        TreeLayout.appId(rnd), appName, version, queue, TreeLayout.uuid(rnd), List.copyOf(pods));
  }

  /**
   * Puts the scripted lines on distinct random lines, never the first or last (unless scripted as
   * last).
   */
  private static FilePlan place(FileScript script, int lineCount, SplittableRandom rnd) {
    Special[] specials = new Special[lineCount];
    for (Special s : script.specials()) {
      int at;
      do {
        at = 1 + rnd.nextInt(lineCount - 2);
      } while (specials[at] != null);
      specials[at] = s;
    }
    if (script.last() != null) {
      specials[lineCount - 1] = script.last();
    }
    return new FilePlan(
        script.shapes(), lineCount, 0, script.gzip(), script.finalNewline(), specials);
  }

  private static FileScript file(Shape shape, Object... specials) {
    return file(List.of(shape), specials);
  }

  /**
   * A file whose scripted lines are given as {@link LineKind}s and {@link MessageKind}s (valid,
   * special text).
   */
  private static FileScript file(List<Shape> shapes, Object... specials) {
    List<Special> list = new ArrayList<>();
    for (Object s : specials) {
      list.add(s instanceof MessageKind m ? new Special(LineKind.VALID, m) : line((LineKind) s));
    }
    return new FileScript(shapes, List.copyOf(list), null, false, true);
  }

  private static Special line(LineKind kind) {
    return new Special(kind, MessageKind.RANDOM);
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the {@code watch} tests do to a running {@code watch}: testdata/'s files dropped into its
 * input in rounds as Fluent Bit drops objects, a kill in a run with rows staged and a restart, a
 * stop with SIGTERM, and the comparison of what landed with one batch run's; and what they read
 * from its output.
 */
final class Trickle {
  /** A run's line: "3 files waiting (the oldest for 2 s): landed ...". */
  private static final Pattern LANDED = Pattern.compile("(\\d+) files? waiting");

  private Trickle() {}

  /** How a test starts {@code watch}, with JVM options (a fault point) before its jar. */
  interface Launch {
    RunnerJar.Started start(List<String> jvmOptions) throws IOException;
  }

  /** A {@code watch} started after a killed one, and the files dropped so far, all landed. */
  record Restarted(RunnerJar.Started watch, int dropped) {}

  /**
   * Starts {@code watch} and kills it (SIGKILL: no heartbeat removal, claims held) in its first
   * run, which staged the first round's rows and has not published them, while the second round
   * arrives; then starts it again, which repairs the killed run and lands both rounds.
   */
  static Restarted killedThenRestarted(Launch launch, List<List<Path>> rounds, Path input)
      throws Exception {
    RunnerJar.Started doomed = launch.start(List.of("-Dlogberg.faultPoint=staged"));
    int dropped = drop(rounds.get(0), input);
    doomed.awaitOutput("FAULT POINT staged reached");
    dropped += drop(rounds.get(1), input);
    doomed.process().destroyForcibly();
    doomed.process().waitFor();
    RunnerJar.Started watch = launch.start(List.of());
    awaitLanded(watch, dropped);
    return new Restarted(watch, dropped);
  }

  /**
   * Stops {@code watch} with SIGTERM, which lets the run in progress end within {@code
   * graceSeconds}, then checks that the tables equal one batch run's over the whole tree and that
   * every snapshot holds each key once.
   */
  static void stopThenCompare(RunnerJar.Started watch, int graceSeconds, Warehouse lake, Path dir)
      throws Exception {
    watch.process().destroy();
    assertThat(
        "watch ended within " + graceSeconds + " s of SIGTERM",
        watch.process().waitFor(graceSeconds, TimeUnit.SECONDS),
        is(true));
    RunnerJar.Run stopped = watch.finish();
    assertThat(stopped.output(), stopped.exitCode(), is(0));
    assertThat(stopped.output(), containsString("watch stopped after"));

    Warehouse batch = new Warehouse(dir.resolve("batch"), lake.input());
    RunnerJar.Run reference = RunnerJar.DIRECT.run(batch.logs(), "run", batch.args());
    assertThat(reference.output(), reference.exitCode(), is(0));
    assertThat(lake.landed(), is(batch.landed()));
    assertThat("applications not SUCCESS", lake.notSucceeded(), is(empty()));
    SnapshotKeys.assertDistinct(lake, null);
  }

  /** testdata/'s files in {@code count} rounds: file i in round i mod count, in name order. */
  static List<List<Path>> rounds(int count) throws IOException {
    List<List<Path>> rounds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rounds.add(new ArrayList<>());
    }
    try (Stream<Path> files = Files.walk(Warehouse.TESTDATA)) {
      List<Path> all =
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> Warehouse.TESTDATA.relativize(p).getName(0).toString().startsWith("spark-"))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
      for (int i = 0; i < all.size(); i++) {
        rounds.get(i % count).add(all.get(i));
      }
    }
    return rounds;
  }

  /**
   * Puts {@code files} into {@code input} the way Fluent Bit's S3 output does: each object appears
   * whole (written beside it, then moved in), never rewritten.
   */
  static int drop(List<Path> files, Path input) throws IOException {
    for (Path from : files) {
      Path to = input.resolve(Warehouse.TESTDATA.relativize(from).toString());
      Files.createDirectories(to.getParent());
      Path partial = to.resolveSibling("." + to.getFileName() + ".part");
      Files.copy(from, partial);
      Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
    }
    return files.size();
  }

  /** Waits until the runs of {@code watch} have landed {@code files} files in total. */
  static void awaitLanded(RunnerJar.Started watch, int files) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (landed(watch.output()) < files) {
      assertThat(watch.output(), watch.process().isAlive(), is(true));
      assertThat(
          "landed " + files + " files in 3 minutes:\n" + watch.output(),
          System.nanoTime() < deadline,
          is(true));
      Thread.sleep(200);
    }
    assertThat(watch.output(), landed(watch.output()), is(files));
  }

  static int idleRuns(String output) {
    return output.split("no file waiting", -1).length - 1;
  }

  static int runsThatLanded(String output) {
    return (int) LANDED.matcher(output).results().count();
  }

  static int landed(String output) {
    Matcher m = LANDED.matcher(output);
    int files = 0;
    while (m.find()) {
      files += Integer.parseInt(m.group(1));
    }
    return files;
  }
}

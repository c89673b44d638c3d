package dev.logberg.runners;

import static dev.logberg.runners.Trickle.awaitLanded;
import static dev.logberg.runners.Trickle.drop;
import static dev.logberg.runners.Trickle.idleRuns;
import static dev.logberg.runners.Trickle.killedThenRestarted;
import static dev.logberg.runners.Trickle.rounds;
import static dev.logberg.runners.Trickle.runsThatLanded;
import static dev.logberg.runners.Trickle.stopThenCompare;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous landing the way it runs: a forked Direct jar's {@code watch} while a writer drops
 * application folders and files into its input, killed with SIGKILL in a run whose rows are staged
 * but not published, restarted while files keep arriving, then stopped with SIGTERM. Every line
 * lands exactly once: the tables equal one batch run's over the whole tree, and every snapshot of
 * the data table holds each key once.
 */
class WatchIT {
  /** Claims of a killed watch lapse after three seconds without a beat. */
  private static final String HEARTBEAT = "--heartbeatSeconds=1";

  private static final String EVERY = "--commitEverySeconds=2";

  /** How long a Direct {@code watch} may take to end its run in progress after SIGTERM. */
  private static final int STOP_SECONDS = 120;

  @Test
  void everyLineLandsOnceWhileFilesArriveAcrossKillsAndRestarts(@TempDir Path dir)
      throws Exception {
    List<List<Path>> rounds = rounds(5);
    Path input = Files.createDirectories(dir.resolve("spark-team-a"));
    Warehouse lake = new Warehouse(dir.resolve("warehouse"), input);
    Trickle.Restarted restarted =
        killedThenRestarted(
            jvm -> RunnerJar.DIRECT.start(lake.logs(), jvm, "watch", watch(lake)), rounds, input);
    RunnerJar.Started watch = restarted.watch();
    // New application folders, then their folders grow, while it runs.
    int dropped = restarted.dropped();
    for (int round = 2; round < rounds.size(); round++) {
      dropped += drop(rounds.get(round), input);
      Thread.sleep(1_000);
    }
    awaitLanded(watch, dropped);
    assertThat(
        "runs that landed files\n" + watch.output(),
        runsThatLanded(watch.output()),
        greaterThan(1));
    // With nothing new, the next run adds no snapshot to any table.
    List<Long> landed = lake.snapshots();
    int idle = idleRuns(watch.output());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (idleRuns(watch.output()) == idle && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(watch.output(), idleRuns(watch.output()), greaterThan(idle));
    assertThat("snapshots after an idle run", lake.snapshots(), is(landed));
    stopThenCompare(watch, STOP_SECONDS, lake, dir);
  }

  private static List<String> watch(Warehouse lake) {
    return lake.args(EVERY, HEARTBEAT);
  }
}

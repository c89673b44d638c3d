package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import dev.logberg.pipeline.status.Heartbeat;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded sqlite catalog serves one run at a time: a run that finds its file locked, or
 * another run's heartbeat moving, is refused at once with what to use instead, never left to fail
 * with SQLITE_BUSY after a minute of waiting.
 */
class EmbeddedCatalogTest {
  @Test
  void aRunIsRefusedAtOnceWhileAnotherProcessHoldsTheCatalogFile(@TempDir Path dir)
      throws Exception {
    Lakehouse lake = new Lakehouse(dir, EndToEndTest.TREE.toString());
    assertThat(lake.run().exitCode(), is(Main.OK));

    try (Connection holder =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db"));
        Statement statement = holder.createStatement()) {
      statement.execute("BEGIN IMMEDIATE"); // what a process frozen in a commit holds
      long started = System.nanoTime();
      Lakehouse.Run refused = lake.run();
      assertThat(refused.output(), refused.exitCode(), is(Main.BLOCKED));
      assertThat(refused.output(), containsString("is locked by another process"));
      assertThat(refused.output(), containsString("--catalogType=rest"));
      assertThat((System.nanoTime() - started) / 1_000_000_000L, lessThan(30L));
      statement.execute("ROLLBACK");
    }
    assertThat(lake.run().exitCode(), is(Main.OK));
  }

  @Test
  void aRunIsRefusedWhileAnotherRunsHeartbeatMoves(@TempDir Path dir) {
    Lakehouse lake = new Lakehouse(dir, EndToEndTest.TREE.toString());
    assertThat(lake.run().exitCode(), is(Main.OK));

    try (Heartbeat other =
        Heartbeat.start(lake.catalog(), lake.tables.metadataTable(), "other-run", 1)) {
      Lakehouse.Run refused = lake.run("--heartbeatSeconds=1");
      assertThat(refused.output(), refused.exitCode(), is(Main.BLOCKED));
      assertThat(refused.output(), containsString("Run other-run is running on this catalog"));
    }
    // A recent heartbeat that no longer moves (a run killed a moment ago) does not block the next.
    lake.catalog()
        .apply(
            c -> {
              c.loadTable(lake.tables.metadataTable())
                  .updateProperties()
                  .set("logberg.heartbeat.killed-run", Long.toString(RunContext.nowMicros()))
                  .commit();
              return null;
            });
    Lakehouse.Run next = lake.run("--heartbeatSeconds=1");
    assertThat(next.output(), next.exitCode(), is(Main.OK));
  }
}

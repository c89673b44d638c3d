package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.UpkeepTables.count;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot expiry on its own ({@link SnapshotExpiry}). */
class SnapshotExpiryTest {
  @TempDir Path dir;

  @Test
  void expiryKeepsTheWindowAndTheLastSnapshots() {
    Table table = new TestLake(dir).create("t", 2, false);
    for (int i = 0; i < 6; i++) {
      append(table, row("k" + i, "v", i, "x"));
    }
    long now = System.currentTimeMillis();
    // Inside the window nothing expires.
    assertThat(SnapshotExpiry.run(table, now, Duration.ofDays(7), 2), is(0));
    assertThat(count(table.snapshots()), is(6));
    // Eight days later all but the last two expire; the rows stay.
    int expired =
        SnapshotExpiry.run(table, now + Duration.ofDays(8).toMillis(), Duration.ofDays(7), 2);
    assertThat(expired, is(4));
    table.refresh();
    assertThat(count(table.snapshots()), is(2));
    assertThat(live(table).size(), is(6));
  }
}

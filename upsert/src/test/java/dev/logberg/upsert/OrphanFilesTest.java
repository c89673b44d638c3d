package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.UpkeepTables.upsertRounds;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Orphan removal on its own ({@link OrphanFiles}) on a table in a local folder. */
class OrphanFilesTest {
  @TempDir Path dir;

  @Test
  void orphansOlderThanTheGracePeriodGoAndEverythingElseStays() throws IOException {
    Table table = new TestLake(dir).create("t", 2, true);
    Map<String, String> expected = upsertRounds(table);
    Path data =
        Path.of(
                java.net.URI.create(
                    table.location().startsWith("/")
                        ? "file://" + table.location()
                        : table.location()))
            .resolve("data");
    Path old = Files.writeString(data.resolve("part=x").resolve("orphan-old.parquet"), "junk");
    Path young = Files.writeString(data.resolve("orphan-young.parquet"), "junk");
    long now = System.currentTimeMillis();
    old.toFile().setLastModified(now - Duration.ofDays(4).toMillis());
    // Every file of the table is old too: only the unreferenced one may go.
    List<File> all = new ArrayList<>();
    try (var walk = Files.walk(Path.of(table.location()))) {
      walk.filter(Files::isRegularFile).forEach(p -> all.add(p.toFile()));
    }
    all.stream()
        .filter(f -> !f.toPath().equals(young) && !f.toPath().equals(old))
        .forEach(f -> f.setLastModified(now - Duration.ofDays(30).toMillis()));

    int removed = OrphanFiles.remove(table, now - Duration.ofDays(3).toMillis());

    assertThat(removed, is(1));
    assertThat(Files.exists(old), is(false));
    assertThat(Files.exists(young), is(true));
    for (File f : all) {
      if (!f.toPath().equals(old)) {
        assertThat(f + " stays", f.exists(), is(true));
      }
    }
    assertThat(live(table), is(expected));
  }
}

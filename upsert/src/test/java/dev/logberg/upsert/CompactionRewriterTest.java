package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static dev.logberg.upsert.UpkeepTables.files;
import static dev.logberg.upsert.UpkeepTables.flinkUpserts;
import static dev.logberg.upsert.UpkeepTables.resolve;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction's rewriter on its own: one planned group read, rewritten and committed. */
class CompactionRewriterTest {
  @TempDir Path dir;

  /** The first group the planner makes of the table's live files (two small files suffice). */
  private static CompactionPlanner.Group firstGroup(Compaction.Plan plan) {
    return CompactionPlanner.plan(plan.live, 32L << 20, 2).get(0);
  }

  @Test
  void liveRowsApplyEqualityDeletesFileByFile() {
    Table table = new TestLake(dir).create("t", 2, true);
    Map<String, String> expected = flinkUpserts(table);
    Compaction.Plan plan = Objects.requireNonNull(Compaction.plan(table));

    Map<String, String> read = new TreeMap<>();
    for (FileScanTask task : plan.tasks.values()) {
      try (CloseableIterable<Record> rows = CompactionRewriter.liveRows(table, task)) {
        rows.forEach(r -> read.put((String) r.getField("id"), (String) r.getField("value")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    assertThat(read, is(expected));
  }

  @Test
  void aGroupIsRewrittenIntoOneFileWithoutItsDeletes() {
    Table table = new TestLake(dir).create("t", 3, false);
    resolve(table, append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x")));
    resolve(table, append(table, row("a", "a2", 2, "x")));
    Compaction.Plan plan = Objects.requireNonNull(Compaction.plan(table));
    CompactionPlanner.Group group = firstGroup(plan);
    assertThat(group.removableDeletes().isEmpty(), is(false));

    CompactionRewriter.Rewritten rewritten =
        CompactionRewriter.rewrite(table, plan, group, true, null, Long.MAX_VALUE);

    assertThat(
        rewritten,
        is(
            new CompactionRewriter.Rewritten(
                group.files().size(), 1, group.removableDeletes().size(), 0)));
    assertThat(live(table), is(Map.of("a", "a2", "b", "b1")));
    int[] after = files(table);
    assertThat(
        "one data file, no delete", List.of(after[0], after[1], after[2]), is(List.of(1, 0, 0)));
  }

  @Test
  void aConflictingCommitFailsTheRewriteAndItsNewFilesAreRemoved() throws IOException {
    Table table = new TestLake(dir).create("t", 3, false);
    resolve(table, append(table, row("a", "a1", 1, "x"), row("b", "b1", 1, "x")));
    resolve(table, append(table, row("a", "a2", 2, "x")));
    Compaction.Plan plan = Objects.requireNonNull(Compaction.plan(table));

    // A run replaces "b" while the group is rewritten: its deletion vector on a replaced file
    // fails the rewrite's validation.
    assertThrows(
        ValidationException.class,
        () ->
            CompactionRewriter.rewrite(
                table,
                plan,
                firstGroup(plan),
                true,
                t -> resolve(t, append(t, row("b", "b2", 3, "x"))),
                Long.MAX_VALUE));

    assertThat(live(table), is(Map.of("a", "a2", "b", "b2")));
    // The rewriter names its files by an "upkeep-" operation id: none is left.
    try (Stream<Path> walk = Files.walk(Path.of(table.location()).resolve("data"))) {
      assertThat(
          walk.filter(p -> p.getFileName().toString().contains("-upkeep-")).toList(),
          is(List.of()));
    }
  }

  /**
   * In a table with a sort order, compaction writes the partition's rows sorted, in files that say
   * so, through sorted runs spilled to disk when they do not fit; a second upkeep leaves them.
   */
  @Test
  void aSortedTableIsRewrittenInItsOrder() {
    Table table = new TestLake(dir).create("t", 2, true);
    table.replaceSortOrder().asc("value").asc("ts").commit();
    java.util.Random random = new java.util.Random(7);
    Map<String, String> expected = new TreeMap<>();
    for (int file = 0; file < 3; file++) {
      Record[] rows = new Record[400];
      for (int i = 0; i < rows.length; i++) {
        String id = file + "-" + i;
        String value = String.format("v%02d", random.nextInt(30));
        rows[i] = row(id, value, random.nextInt(100_000), "x");
        expected.put(id, value);
      }
      append(table, rows);
    }

    new TableUpkeep(TableUpkeep.Options.defaults()).run(table);
    table.refresh();

    assertThat(live(table), is(expected));
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().sortOrderId(), is(table.sortOrder().orderId()));
        List<String> keys = new java.util.ArrayList<>();
        try (CloseableIterable<Record> rows = CompactionRewriter.liveRows(table, task)) {
          rows.forEach(
              r ->
                  keys.add(
                      r.getField("value")
                          + "|"
                          + String.format(
                              "%020d",
                              ((java.time.OffsetDateTime) r.getField("ts")).toEpochSecond())));
        }
        assertThat("rows in sort order", keys.equals(keys.stream().sorted().toList()), is(true));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> sortedFiles = dataFiles(table);
    new TableUpkeep(TableUpkeep.Options.defaults()).run(table);
    assertThat("sorted files are left alone", dataFiles(table), is(sortedFiles));
  }

  private static List<String> dataFiles(Table table) {
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      List<String> files = new java.util.ArrayList<>();
      tasks.forEach(t -> files.add(t.file().location()));
      return files.stream().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

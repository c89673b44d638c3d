package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resolution with a key-determined column ({@code ts}: a row rewritten under its key keeps its
 * time) on real tables: only existing files and row groups whose partition or bounds can hold a
 * batch time are read, and the result is the same as reading everything. Files are one per day
 * here, as a day's hourly runs leave them.
 */
class KeyDeterminedPruningTest {
  /** No order column: the later commit wins, and a rewritten row keeps its {@code ts}. */
  private static final MergeKeys KEYS = MergeKeys.of("id").withKeyDeterminedColumns("ts");

  private static final MergeKeys UNDECLARED = MergeKeys.of("id");
  private static final long DAY = 86_400;
  private static final PartitionSpec BY_DAY =
      PartitionSpec.builderFor(TestLake.SCHEMA).day("ts").build();

  @TempDir Path dir;

  /** Noon of day {@code d} plus {@code seconds}, in epoch seconds. */
  private static long at(int d, long seconds) {
    return d * DAY + 12 * 3600 + seconds;
  }

  /**
   * A table with one resolved file for each of days 1 to {@code days}: keys d{day}-{0..2}, value
   * "old".
   */
  private static Table daily(TestLake lake, int version, PartitionSpec spec, int days) {
    Table table = lake.create("t", version, spec, Map.of());
    for (int d = 1; d <= days; d++) {
      long s =
          append(
              table,
              row("d" + d + "-0", "old", at(d, 0), "x"),
              row("d" + d + "-1", "old", at(d, 1), "x"),
              row("d" + d + "-2", "old", at(d, 2), "x"));
      MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    }
    return table;
  }

  private static Map<String, String> expected(int days, Map<String, String> changes) {
    Map<String, String> rows = new HashMap<>();
    for (int d = 1; d <= days; d++) {
      for (int i = 0; i < 3; i++) {
        rows.put("d" + d + "-" + i, "old");
      }
    }
    rows.putAll(changes);
    return rows;
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aKeyRewrittenInAnOlderFileOfTheSameDayIsResolvedAndOtherDaysAreNeverOpened(int version) {
    Table table = daily(new TestLake(dir), version, BY_DAY, 3);
    // Day 2 again: d2-1 rewritten with its own time, one new key.
    long s = append(table, row("d2-1", "new", at(2, 1), "x"), row("n", "new", at(2, 50), "x"));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat("only day 2's file is read", outcome.existingFilesRead(), is(1L));
    assertThat(live(table), is(expected(3, Map.of("d2-1", "new", "n", "new"))));
  }

  @ParameterizedTest(name = "{0}, format v{1}")
  @CsvSource({"by day, 2", "by day, 3", "unpartitioned, 2", "unpartitioned, 3"})
  void eachAddedFileContributesItsOwnRangeNotOneOverTheBatch(String partitioning, int version) {
    PartitionSpec spec = partitioning.equals("by day") ? BY_DAY : PartitionSpec.unpartitioned();
    Table table = daily(new TestLake(dir), version, spec, 5);
    // Days 1 and 5 in one batch, written as two files ("part" differs): a single min/max would span
    // days 1-5.
    long s = append(table, row("d1-0", "new", at(1, 0), "x"), row("d5-2", "new", at(5, 2), "y"));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    assertThat(outcome.deletedRows(), is(2L));
    assertThat("days 2, 3 and 4 are never opened", outcome.existingFilesRead(), is(2L));
    assertThat(live(table), is(expected(5, Map.of("d1-0", "new", "d5-2", "new"))));
  }

  @ParameterizedTest(name = "day -> {0}, format v{1}")
  @CsvSource({"hour, 2", "hour, 3", "none, 2", "none, 3"})
  void filesOfEverySpecTheTableHasHadAreJudgedByTheirOwnSpec(String newSpec, int version) {
    Table table = daily(new TestLake(dir), version, BY_DAY, 3);
    if (newSpec.equals("hour")) {
      table.updateSpec().removeField("ts_day").addField(Expressions.hour("ts")).commit();
    } else {
      table.updateSpec().removeField("ts_day").commit();
    }
    // Under the new spec: more rows of days 1 and 3, and a day 4.
    for (int d : new int[] {1, 3, 4}) {
      MergeKeyResolver.resolveAppends(
          table, KEYS, List.of(append(table, row("e" + d, "old", at(d, 100), "x"))));
    }
    // Day 1 again: one key of the old-spec file, one of the new-spec file.
    long s = append(table, row("d1-2", "new", at(1, 2), "x"), row("e1", "new", at(1, 100), "x"));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    assertThat(outcome.deletedRows(), is(2L));
    assertThat(
        "day 1's file of each spec, nothing of days 2-4", outcome.existingFilesRead(), is(2L));
    Map<String, String> changes =
        new HashMap<>(Map.of("e1", "new", "e3", "old", "e4", "old", "d1-2", "new"));
    assertThat(live(table), is(expected(3, changes)));
  }

  @Test
  void rowGroupsWhoseTimesCannotMatchAreSkipped() {
    // Row groups of 100 rows: the writer checks the size every 100 rows, and any size exceeds 1
    // byte.
    Table table =
        new TestLake(dir)
            .create(
                "t",
                2,
                PartitionSpec.unpartitioned(),
                Map.of(
                    TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "1",
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT, "100",
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT, "100"));
    Record[] day = new Record[1000];
    for (int i = 0; i < day.length; i++) {
      day[i] = row("k" + i, "old", at(1, i), "x");
    }
    MergeKeyResolver.resolveAppends(table, KEYS, List.of(append(table, day)));

    long s = append(table, row("k450", "new", at(1, 450), "x"));
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolveAppends(table, KEYS, List.of(s));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat(outcome.existingFilesRead(), is(1L));
    assertThat("one row group of ten is decoded", outcome.existingRowsRead(), is(100L));
    Map<String, String> live = live(table);
    assertThat(live.size(), is(1000));
    assertThat(live.get("k450"), is("new"));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void withoutADeclarationEveryLiveFileIsReadAndAKeyMayChangeDay(int version) {
    Table table = daily(new TestLake(dir), version, BY_DAY, 3);
    // d1-0 moves to day 3: only a resolution that reads every file can find its day-1 row.
    long s = append(table, row("d1-0", "moved", at(3, 7), "x"));
    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.resolveAppends(table, UNDECLARED, List.of(s));
    assertThat(outcome.deletedRows(), is(1L));
    assertThat(outcome.existingFilesRead(), is(3L));
    assertThat(live(table), is(expected(3, Map.of("d1-0", "moved"))));
  }
}

package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WinnerSelectionTest {
  private static KeyedRow row(long order, long sequence, String file, long position) {
    return new KeyedRow(order, sequence, file, position);
  }

  @Test
  void aSingleRowHasNoLosers() {
    assertThat(WinnerSelection.losers(List.of(row(1, 1, "f", 0))), is(empty()));
    assertThat(WinnerSelection.losers(List.of()), is(empty()));
  }

  @Test
  void theHighestOrderWinsWhateverTheCommitOrder() {
    KeyedRow newer = row(20, 1, "a", 0);
    KeyedRow olderButLater = row(10, 9, "z", 9);
    assertThat(WinnerSelection.losers(List.of(olderButLater, newer)), contains(olderButLater));
  }

  @Test
  void tiesAreBrokenBySequenceThenFileThenPosition() {
    KeyedRow laterCommit = row(5, 2, "a", 0);
    KeyedRow earlierCommit = row(5, 1, "z", 9);
    assertThat(
        WinnerSelection.losers(List.of(laterCommit, earlierCommit)), contains(earlierCommit));
    KeyedRow fileB = row(5, 1, "b", 0);
    KeyedRow fileA = row(5, 1, "a", 7);
    assertThat(WinnerSelection.losers(List.of(fileA, fileB)), contains(fileA));
    KeyedRow later = row(5, 1, "a", 8);
    KeyedRow earlier = row(5, 1, "a", 7);
    assertThat(WinnerSelection.losers(List.of(later, earlier)), contains(earlier));
  }

  @Test
  void withoutAnOrderColumnTheLatestCommitWins() {
    KeyedRow first = row(Long.MIN_VALUE, 1, "x", 3);
    KeyedRow second = row(Long.MIN_VALUE, 2, "a", 0);
    KeyedRow third = row(Long.MIN_VALUE, 3, "m", 1);
    assertThat(
        WinnerSelection.losers(List.of(second, third, first)), containsInAnyOrder(first, second));
  }

  @Test
  void theSameRowSeenTwiceIsNeverItsOwnLoserAndIsDeletedOnce() {
    // A data file committed twice: the same (file, position) under two sequence numbers.
    KeyedRow once = row(5, 1, "dup", 4);
    KeyedRow twice = row(5, 2, "dup", 4);
    assertThat(WinnerSelection.losers(List.of(once, twice)), is(empty()));
    KeyedRow winner = row(9, 3, "new", 0);
    assertThat(WinnerSelection.losers(List.of(once, twice, winner)).size(), is(1));
  }

  @Test
  void deletePlanSortsAndDeduplicatesPositionsPerFile() {
    DeletePlan plan = new DeletePlan();
    plan.add(row(1, 1, "b", 7));
    plan.add(row(1, 1, "a", 3));
    plan.add(row(1, 1, "b", 2));
    plan.add(row(2, 2, "b", 7));
    Map<String, long[]> positions = plan.positionsByFile();
    assertThat(positions.keySet(), contains("a", "b"));
    assertThat(positions.get("b")[0], is(2L));
    assertThat(positions.get("b")[1], is(7L));
    assertThat(positions.get("b").length, is(2));
    assertThat(plan.rowCount(), is(3L));
  }

  @Test
  void keyHashesFindEveryKeyAddedAndAlmostNoOther() {
    long[] hashes = new long[10_000];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = KeyHashes.hash("key-" + i);
    }
    KeyHashes set = KeyHashes.of(hashes);
    for (int i = 0; i < hashes.length; i++) {
      assertThat(set.mightContain("key-" + i), is(true));
    }
    long strangers = 0;
    for (int i = 0; i < 100_000; i++) {
      if (set.mightContain("other-" + i)) {
        strangers++;
      }
    }
    assertThat(strangers, is(0L));
  }

  @Test
  void keyHashesNameEachRepeatedHashOnce() {
    KeyHashes.Builder builder = new KeyHashes.Builder();
    for (int i = 0; i < 1_000; i++) {
      builder.add(i * 7L);
    }
    builder.addAll(new long[] {14L, 14L, 700L, -3L});
    KeyHashes set = builder.build();
    assertThat(set.repeated(), is(new long[] {14L, 700L}));
    assertThat(set.mightContainAny(new long[] {1L, 2L, -3L}), is(true));
    assertThat(set.mightContainAny(new long[] {1L, 2L}), is(false));
    assertThat(KeyHashes.of(new long[0]).isEmpty(), is(true));
    assertThat(KeyHashes.of(new long[] {5L, 6L}).repeated().length, is(0));
  }

  @Test
  void mergeKeysNameBadColumns() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> MergeKeys.of("id").orderedBy("value").check(TestLake.SCHEMA, "db.t"));
    assertThat(
        e.getMessage(),
        is("table db.t: order column 'value' is string; use a long, int, date or timestamp"));
  }
}

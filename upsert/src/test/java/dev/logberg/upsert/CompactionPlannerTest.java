package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactionPlannerTest {
  private static final long SMALL = 100;

  private static CompactionPlanner.LiveFile file(
      String name, long size, long rows, String part, String... deletes) {
    return new CompactionPlanner.LiveFile(name, size, rows, part, Set.of(deletes));
  }

  @Test
  void filesWithDeletesAreRewrittenAndTheirDeletesRemovedWhenNoOtherFileNeedsThem() {
    List<CompactionPlanner.Group> groups =
        CompactionPlanner.plan(
            List.of(
                file("a", 1000, 10, "p", "dv-a"),
                file("b", 1000, 10, "p"),
                file("c", 1000, 10, "q", "eq"),
                file("d", 1000, 10, "q", "eq"),
                file("e", 1000, 10, "r")),
            SMALL,
            5);
    assertThat(groups.size(), is(2));
    assertThat(groups.get(0).files().size(), is(1));
    assertThat(groups.get(0).removableDeletes(), is(Set.of("dv-a")));
    assertThat(groups.get(1).files().size(), is(2));
    assertThat(groups.get(1).removableDeletes(), is(Set.of("eq")));
  }

  @Test
  void aDeleteFileThatAlsoAppliesToAFileLeftAloneStays() {
    // A global equality delete (unpartitioned spec) applies in two partitions: one group cannot
    // remove it.
    List<CompactionPlanner.Group> groups =
        CompactionPlanner.plan(
            List.of(file("a", 1000, 10, "p", "eq"), file("b", 1000, 10, "q", "eq")), SMALL, 5);
    assertThat(groups.size(), is(2));
    groups.forEach(g -> assertThat(g.removableDeletes(), is(Set.of())));
  }

  @Test
  void smallFilesNeedEnoughOfThemAndEmptyFilesGoWithOthers() {
    assertThat(
        CompactionPlanner.plan(List.of(file("a", 10, 1, "p"), file("b", 10, 1, "p")), SMALL, 3)
            .size(),
        is(0));
    assertThat(
        CompactionPlanner.plan(
                List.of(file("a", 10, 1, "p"), file("b", 10, 1, "p"), file("c", 10, 1, "p")),
                SMALL,
                3)
            .size(),
        is(1));
    assertThat(
        "a lone empty file is left",
        CompactionPlanner.plan(List.of(file("e", 5, 0, "p"), file("big", 1000, 10, "p")), SMALL, 3)
            .size(),
        is(0));
    assertThat(
        CompactionPlanner.plan(List.of(file("e", 5, 0, "p"), file("s", 10, 1, "p")), SMALL, 3)
            .size(),
        is(1));
  }

  @Test
  void upkeepIsDuePastAThreshold() {
    List<Long> young = List.of(100L, 200L, 300L);
    assertThat(TableUpkeep.due(0, 0, young, 50, 2, 10, 20), is(false));
    assertThat(TableUpkeep.due(10, 0, young, 50, 2, 10, 20), is(true));
    assertThat(TableUpkeep.due(0, 20, young, 50, 2, 10, 20), is(true));
    assertThat(
        "the oldest is past the window but among the last 3 kept",
        TableUpkeep.due(0, 0, young, 150, 3, 10, 20),
        is(false));
    assertThat(TableUpkeep.due(0, 0, young, 150, 2, 10, 20), is(true));
  }

  @Test
  void aFileNotInTheTableSortOrderIsRewrittenEvenAlone() {
    CompactionPlanner.LiveFile big = file("a", 1000, 10, "p");
    CompactionPlanner.LiveFile unsorted =
        new CompactionPlanner.LiveFile("b", 1000, 10, "q", Set.of(), true);
    List<CompactionPlanner.Group> groups = CompactionPlanner.plan(List.of(big, unsorted), SMALL, 5);
    assertThat(groups.size(), is(1));
    assertThat(groups.get(0).files(), is(List.of(unsorted)));
  }
}

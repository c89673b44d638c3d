package dev.logberg.pipeline.read;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.pipeline.discover.LogFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileGroupsTest {

  private static FileOfApp file(String name, long size) {
    return new FileOfApp("spark-a", new LogFile("/logs/" + name, name, size, 0));
  }

  private static List<Long> bytes(List<FileGroup> groups) {
    return groups.stream().map(FileGroup::bytes).toList();
  }

  @Test
  void balancesAFewLargeFilesAndManySmallOnes() {
    List<FileOfApp> files = new ArrayList<>(List.of(file("big-1", 900), file("big-2", 700)));
    for (int i = 0; i < 40; i++) {
      files.add(file("small-" + i, 20));
    }
    List<FileGroup> groups = FileGroups.pack(files, 2, FileGroups.FEW_GROUP_BYTES);
    // 2,400 bytes in two groups of 1,200: each big file is topped up with small ones.
    assertThat(bytes(groups), containsInAnyOrder(1200L, 1200L));
    List<FileOfApp> packed = groups.stream().flatMap(g -> g.files().stream()).toList();
    assertThat(packed, containsInAnyOrder(files.toArray()));
    for (FileGroup group : groups) {
      assertThat(group.bytes(), is(group.bytes(0, group.spanEnds().size())));
    }
  }

  /** A span ends once it reaches SPAN_BYTES: a large file alone, small ones together. */
  @Test
  void spansGatherSmallFilesAndLeaveALargeOneAlone() {
    long span = FileGroup.SPAN_BYTES;
    List<FileOfApp> files = new ArrayList<>(List.of(file("big", 3 * span)));
    for (int i = 0; i < 5; i++) {
      files.add(file("half-" + i, span / 2));
    }
    files.add(file("tiny", 10));
    FileGroup group = FileGroups.pack(files, 1, FileGroups.FEW_GROUP_BYTES).get(0);
    assertThat(group.spanEnds(), is(List.of(1, 3, 5, 7)));
    assertThat(group.span(0).get(0).file().sourceFile(), is("big"));
    assertThat(group.span(3).size(), is(2));
    assertThat(group.bytes(1, 3), is(2 * span));
    assertThat(group.bytes(0, 4), is(group.bytes()));
  }

  @Test
  void theOrderOfTheInputDoesNotMatter() {
    List<FileOfApp> files = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      files.add(file("f-" + i, 1 + random.nextInt(10_000)));
    }
    List<FileGroup> expected = FileGroups.pack(files, 5, FileGroups.FEW_GROUP_BYTES);
    Collections.shuffle(files, random);
    assertThat(FileGroups.pack(files, 5, FileGroups.FEW_GROUP_BYTES), is(expected));
  }

  @Test
  void autoMakesOneGroupPerGivenSizeAndNeverMoreGroupsThanFiles() {
    long mib = 1024 * 1024;
    List<FileOfApp> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      files.add(file("f-" + i, 20 * mib));
    }
    assertThat(FileGroups.pack(files, 0, FileGroups.FEW_GROUP_BYTES).size(), is(4)); // 200 MiB
    assertThat(FileGroups.pack(files, 0, 50 * mib).size(), is(4));
    assertThat(FileGroups.pack(files, 0, 40 * mib).size(), is(5));
    assertThat(FileGroups.pack(files, 0, FileGroups.SPREAD_GROUP_BYTES).size(), is(10));
    assertThat(FileGroups.pack(files.subList(0, 1), 0, FileGroups.FEW_GROUP_BYTES).size(), is(1));
    assertThat(FileGroups.pack(files.subList(0, 3), 8, FileGroups.FEW_GROUP_BYTES).size(), is(3));
    assertThat(FileGroups.pack(List.of(), 0, FileGroups.FEW_GROUP_BYTES), is(empty()));
    assertThat(
        FileGroups.pack(List.of(file("empty", 0)), 0, FileGroups.SPREAD_GROUP_BYTES).size(), is(1));
  }

  /**
   * Many small files of a large tree make hundreds of groups of about the spread size, each within
   * one file of the others, so that a random placement on workers evens out.
   */
  @Test
  void theSpreadSizeMakesHundredsOfEvenGroupsOfALargeTree() {
    Random random = new Random(11);
    List<FileOfApp> files = new ArrayList<>();
    long total = 0;
    while (total < 1024L * 1024 * 1024) {
      long size = 100_000 + random.nextInt(700_000);
      files.add(file("f-" + files.size(), size));
      total += size;
    }
    List<FileGroup> groups = FileGroups.pack(files, 0, FileGroups.SPREAD_GROUP_BYTES);
    long wanted = (total + FileGroups.SPREAD_GROUP_BYTES - 1) / FileGroups.SPREAD_GROUP_BYTES;
    assertThat((long) groups.size(), is(wanted));
    assertThat(groups.size() >= 512, is(true));
    long smallest = groups.stream().mapToLong(FileGroup::bytes).min().orElseThrow();
    long largest = groups.stream().mapToLong(FileGroup::bytes).max().orElseThrow();
    assertThat(largest - smallest <= 800_000, is(true));
  }

  @Test
  void refusesANegativeGroupCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FileGroups.pack(List.of(file("a", 1)), -1, FileGroups.FEW_GROUP_BYTES));
    assertThat(e.getMessage(), containsString("got -1"));
  }
}

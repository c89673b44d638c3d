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
    return new FileOfApp("spark-a", new LogFile("/logs/" + name, name, size));
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
    List<FileGroup> groups = FileGroups.pack(files, 2);
    // 2,400 bytes in two groups of 1,200: each big file is topped up with small ones.
    assertThat(bytes(groups), containsInAnyOrder(1200L, 1200L));
    List<FileOfApp> packed = groups.stream().flatMap(g -> g.files().stream()).toList();
    assertThat(packed, containsInAnyOrder(files.toArray()));
    for (FileGroup group : groups) {
      assertThat(group.bytes(), is(group.bytes(0, group.files().size())));
    }
  }

  @Test
  void theOrderOfTheInputDoesNotMatter() {
    List<FileOfApp> files = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      files.add(file("f-" + i, 1 + random.nextInt(10_000)));
    }
    List<FileGroup> expected = FileGroups.pack(files, 5);
    Collections.shuffle(files, random);
    assertThat(FileGroups.pack(files, 5), is(expected));
  }

  @Test
  void autoMakesOneGroupPer64MiBAndNeverMoreGroupsThanFiles() {
    long mib = 1024 * 1024;
    List<FileOfApp> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      files.add(file("f-" + i, 20 * mib));
    }
    assertThat(FileGroups.pack(files, 0).size(), is(4)); // 200 MiB
    assertThat(FileGroups.pack(files.subList(0, 1), 0).size(), is(1));
    assertThat(FileGroups.pack(files.subList(0, 3), 8).size(), is(3));
    assertThat(FileGroups.pack(List.of(), 0), is(empty()));
    assertThat(FileGroups.pack(List.of(file("empty", 0)), 0).size(), is(1));
  }

  @Test
  void refusesANegativeGroupCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FileGroups.pack(List.of(file("a", 1)), -1));
    assertThat(e.getMessage(), containsString("got -1"));
  }
}

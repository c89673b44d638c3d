package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SortedRowsTest {
  private static final SortOrder BY_PART_THEN_TS =
      SortOrder.builderFor(TestLake.SCHEMA).asc("part").asc("ts").build();

  /** Every row comes out once, in order, whether it fit in memory or was spilled in many runs. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 100, 10_000})
  void everyRowOnceInOrder(int maxRowsInMemory) {
    List<Record> rows = randomRows(1_000, new Random(maxRowsInMemory));
    List<String> out = new ArrayList<>();
    try (SortedRows sorted = new SortedRows(TestLake.SCHEMA, BY_PART_THEN_TS, maxRowsInMemory)) {
      rows.forEach(sorted::add);
      assertThat(sorted.spilledRuns() > 0, is(maxRowsInMemory < rows.size()));
      sorted.forEachSorted(r -> out.add(describe(r)));
    }
    List<String> expected =
        rows.stream()
            .sorted(
                Comparator.comparing((Record r) -> (String) r.getField("part"))
                    .thenComparing(r -> (OffsetDateTime) r.getField("ts")))
            .map(SortedRowsTest::describe)
            .toList();
    // Rows equal in the sort key may come in any order; each key's rows must be the same set.
    assertThat(keysOf(out), is(keysOf(expected)));
    assertThat(out.stream().sorted().toList(), is(expected.stream().sorted().toList()));
  }

  /** The reader's record may be reused: what was added must not change afterwards. */
  @Test
  void addedRowsAreCopies() {
    Record reused = GenericRecord.create(TestLake.SCHEMA);
    List<String> out = new ArrayList<>();
    try (SortedRows sorted = new SortedRows(TestLake.SCHEMA, BY_PART_THEN_TS, 2)) {
      for (int i = 0; i < 5; i++) {
        reused.setField("id", "id-" + i);
        reused.setField(
            "ts", OffsetDateTime.ofInstant(Instant.ofEpochSecond(10 - i), ZoneOffset.UTC));
        reused.setField("part", "p");
        sorted.add(reused);
      }
      sorted.forEachSorted(r -> out.add((String) r.getField("id")));
    }
    assertThat(out, is(List.of("id-4", "id-3", "id-2", "id-1", "id-0")));
  }

  private static List<Record> randomRows(int count, Random random) {
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Record r = GenericRecord.create(TestLake.SCHEMA);
      r.setField("id", "id-" + i);
      r.setField("value", random.nextBoolean() ? null : "v" + random.nextInt(50));
      r.setField(
          "ts",
          OffsetDateTime.ofInstant(Instant.ofEpochSecond(random.nextInt(500)), ZoneOffset.UTC));
      r.setField("part", "part-" + random.nextInt(12));
      rows.add(r);
    }
    return rows;
  }

  private static String describe(Record r) {
    return r.getField("part")
        + "|"
        + r.getField("ts")
        + "|"
        + r.getField("id")
        + "|"
        + r.getField("value");
  }

  private static List<String> keysOf(List<String> described) {
    return described.stream()
        .map(d -> d.substring(0, d.lastIndexOf('|', d.lastIndexOf('|') - 1)))
        .toList();
  }
}

package dev.logberg.upsert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The pruning decisions alone: files described by their manifest metrics, judged by Iceberg's
 * metrics evaluator.
 */
class KeyDeterminedFilterTest {
  private static final Schema SCHEMA = TestLake.SCHEMA;
  private static final int TS = SCHEMA.findField("ts").fieldId();
  private static final List<String> TS_ONLY = List.of("ts");
  private static int files;

  /** Ten rows whose {@code ts} lies in [lower, upper] (microseconds). */
  private static DataFile file(long lower, long upper) {
    Metrics metrics =
        new Metrics(
            10L,
            null,
            Map.of(TS, 10L),
            Map.of(TS, 0L),
            null,
            Map.of(TS, micros(lower)),
            Map.of(TS, micros(upper)));
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/f" + (++files) + ".parquet")
        .withFileSizeInBytes(100)
        .withMetrics(metrics)
        .build();
  }

  private static ByteBuffer micros(long value) {
    return Conversions.toByteBuffer(Types.TimestampType.withZone(), value);
  }

  private static boolean mayHold(Expression filter, DataFile existing) {
    return new InclusiveMetricsEvaluator(SCHEMA, filter).eval(existing);
  }

  @Test
  void eachAddedFileKeepsItsOwnRange() {
    Expression filter =
        KeyDeterminedFilter.of(SCHEMA, TS_ONLY, List.of(file(100, 200), file(900, 1000)));
    assertThat(mayHold(filter, file(150, 160)), is(true));
    assertThat(mayHold(filter, file(950, 2000)), is(true));
    assertThat(mayHold(filter, file(0, 100)), is(true));
    assertThat(
        "between the two ranges, inside one min/max over the batch",
        mayHold(filter, file(300, 800)),
        is(false));
    assertThat(mayHold(filter, file(1001, 5000)), is(false));
  }

  @Test
  void overlappingRangesMergeWithoutLoss() {
    List<KeyDeterminedFilter.Range> merged =
        KeyDeterminedFilter.merged(
            List.of(
                new KeyDeterminedFilter.Range(500L, 600L, false, false),
                new KeyDeterminedFilter.Range(100L, 200L, false, false),
                new KeyDeterminedFilter.Range(150L, 300L, true, false),
                new KeyDeterminedFilter.Range(300L, 400L, false, false)),
            Types.TimestampType.withZone());
    assertThat(
        merged,
        is(
            List.of(
                new KeyDeterminedFilter.Range(100L, 400L, false, false),
                new KeyDeterminedFilter.Range(500L, 600L, false, false),
                new KeyDeterminedFilter.Range(null, null, true, false))));
  }

  @Test
  void anAddedFileWithNullsAlsoMatchesFilesWithNulls() {
    // "value" is optional ("ts" is required: Iceberg folds is_null on it to false).
    int value = SCHEMA.findField("value").fieldId();
    List<String> valueOnly = List.of("value");
    DataFile onlyNulls =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath("/nulls.parquet")
            .withFileSizeInBytes(100)
            .withMetrics(
                new Metrics(
                    5L, null, Map.of(value, 5L), Map.of(value, 5L), null, Map.of(), Map.of()))
            .build();
    assertThat(
        mayHold(KeyDeterminedFilter.of(SCHEMA, valueOnly, List.of(textFile(value, 3L))), onlyNulls),
        is(true));
    assertThat(
        mayHold(KeyDeterminedFilter.of(SCHEMA, valueOnly, List.of(textFile(value, 0L))), onlyNulls),
        is(false));
    assertThat(
        "an unknown null count may hide nulls",
        mayHold(
            KeyDeterminedFilter.of(SCHEMA, valueOnly, List.of(textFile(value, null))), onlyNulls),
        is(true));
    assertThat(
        "an added file of nulls only matches nulls only",
        mayHold(KeyDeterminedFilter.of(SCHEMA, valueOnly, List.of(onlyNulls)), textFile(value, 0L)),
        is(false));
  }

  /** Ten rows with "value" in ["b", "c"] and {@code nulls} nulls (null: unknown). */
  private static DataFile textFile(int value, Long nulls) {
    Map<Integer, Long> nullCounts = nulls == null ? Map.of() : Map.of(value, nulls);
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/text" + (++files) + ".parquet")
        .withFileSizeInBytes(100)
        .withMetrics(
            new Metrics(
                10L,
                null,
                Map.of(value, 10L),
                nullCounts,
                null,
                Map.of(value, Conversions.toByteBuffer(Types.StringType.get(), "b")),
                Map.of(value, Conversions.toByteBuffer(Types.StringType.get(), "c"))))
        .build();
  }

  @Test
  void anAddedFileWithoutBoundsPrunesNothing() {
    DataFile noMetrics =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath("/plain.parquet")
            .withFileSizeInBytes(100)
            .withRecordCount(5)
            .build();
    Expression filter = KeyDeterminedFilter.of(SCHEMA, TS_ONLY, List.of(file(100, 200), noMetrics));
    assertThat(filter.op(), is(Expression.Operation.TRUE));
  }

  @Test
  void anEmptyAddedFileHoldsNoKeyAndIsIgnored() {
    DataFile empty =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath("/empty.parquet")
            .withFileSizeInBytes(100)
            .withRecordCount(0)
            .build();
    Expression filter = KeyDeterminedFilter.of(SCHEMA, TS_ONLY, List.of(file(100, 200), empty));
    assertThat(mayHold(filter, file(300, 400)), is(false));
    assertThat(mayHold(filter, file(150, 400)), is(true));
  }

  @Test
  void severalColumnsKeepEachFilesBox() {
    int part = SCHEMA.findField("part").fieldId();
    Metrics a =
        new Metrics(
            10L,
            null,
            null,
            Map.of(TS, 0L, part, 0L),
            null,
            Map.of(TS, micros(100), part, Conversions.toByteBuffer(Types.StringType.get(), "a")),
            Map.of(TS, micros(200), part, Conversions.toByteBuffer(Types.StringType.get(), "a")));
    Metrics z =
        new Metrics(
            10L,
            null,
            null,
            Map.of(TS, 0L, part, 0L),
            null,
            Map.of(TS, micros(900), part, Conversions.toByteBuffer(Types.StringType.get(), "z")),
            Map.of(TS, micros(1000), part, Conversions.toByteBuffer(Types.StringType.get(), "z")));
    List<DataFile> added =
        List.of(
            DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath("/a.parquet")
                .withFileSizeInBytes(1)
                .withMetrics(a)
                .build(),
            DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath("/z.parquet")
                .withFileSizeInBytes(1)
                .withMetrics(z)
                .build());
    Expression filter = KeyDeterminedFilter.of(SCHEMA, List.of("ts", "part"), added);
    Metrics timeOfAPartOfZ =
        new Metrics(
            10L,
            null,
            null,
            Map.of(TS, 0L, part, 0L),
            null,
            Map.of(TS, micros(150), part, Conversions.toByteBuffer(Types.StringType.get(), "z")),
            Map.of(TS, micros(160), part, Conversions.toByteBuffer(Types.StringType.get(), "z")));
    DataFile mixed =
        DataFiles.builder(PartitionSpec.unpartitioned())
            .withPath("/m.parquet")
            .withFileSizeInBytes(1)
            .withMetrics(timeOfAPartOfZ)
            .build();
    assertThat(
        "a's time with z's part matches neither added file", mayHold(filter, mixed), is(false));
    assertThat(mayHold(filter, file(150, 160)), is(true)); // no bounds on part: may hold "a"
  }
}

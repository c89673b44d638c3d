package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.read.LineBatch;
import dev.logberg.pipeline.read.LineBatchCoder;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parse step on the DirectRunner, with its immutability and encodability checks on. */
class ParseLogLineTest {
  private static final long INGESTED_AT = 1_737_000_000_000_000L;

  private static String line(int i) {
    return "{\"timestamp\":\"2025-01-15T10:23:"
        + (10 + i % 50)
        + "Z\",\"log_level\":\"INFO\",\"message\":\"m"
        + i
        + "\"}";
  }

  private static LineBatch batch(String app, String file, long first, List<String> texts) {
    return new LineBatch(app, file, first, texts, new int[0]);
  }

  /** The same with the parsed batches shuffled before they are split, as on Spark. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rowsRejectsCountsAndFailuresComeOutOfOneParse(boolean keptOnDisk) {
    List<String> a1 = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      a1.add(i == 7 ? "not json" : i == 8 ? "" : line(i));
    }
    List<String> a2 = List.of(line(1), "[1,2]", line(2));
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionTuple parsed =
        pipeline
            .apply(
                Create.of(
                        List.of(batch("spark-a", "a/driver.json", 1, a1.subList(0, 200))),
                        List.of(
                            batch("spark-a", "a/driver.json", 201, a1.subList(200, 300)),
                            batch("spark-b", "b/exec-1.json", 1, a2),
                            new LineBatch(
                                "spark-b",
                                "b/exec-2.json",
                                1,
                                List.of(line(5)),
                                new int[0],
                                "cannot read b/exec-2.json: connection reset")))
                    .withCoder(ListCoder.of(LineBatchCoder.of())))
            .apply(ParseLogLine.ingestedAt(INGESTED_AT).keptOnDisk(keptOnDisk));

    PAssert.that(parsed.get(ParseLogLine.ROWS))
        .satisfies(
            rows -> {
              List<String> messages = new ArrayList<>();
              rows.forEach(
                  r ->
                      messages.add(
                          r.getString(SparkLogsTable.SPARK_APP_SELECTOR)
                              + ":"
                              + r.getInt64(SparkLogsTable.LINE_NUMBER)
                              + ":"
                              + r.getString(SparkLogsTable.MESSAGE)));
              assertThat(messages.size(), is(298 + 2 + 1));
              assertThat(messages.contains("spark-a:7:m6"), is(true));
              assertThat(messages.contains("spark-a:300:m299"), is(true));
              assertThat(messages.contains("spark-b:3:m2"), is(true));
              return null;
            });
    PAssert.that(parsed.get(ParseLogLine.REJECTS))
        .satisfies(
            rejects -> {
              List<String> where = new ArrayList<>();
              rejects.forEach(
                  r ->
                      where.add(
                          r.getString(RejectsTable.SOURCE_FILE)
                              + ":"
                              + r.getInt64(RejectsTable.LINE_NUMBER)
                              + ":"
                              + r.getString(RejectsTable.REASON).split(":", -1)[0]));
              assertThat(
                  where,
                  containsInAnyOrder(
                      "a/driver.json:8:INVALID_JSON", "b/exec-1.json:2:NOT_AN_OBJECT"));
              return null;
            });
    // Partial counts (one per file and bundle): their sums per file.
    PAssert.that(parsed.get(ParseLogLine.ROW_COUNTS).apply("SumRows", Sum.longsPerKey()))
        .containsInAnyOrder(
            KV.of("a/driver.json", 298L), KV.of("b/exec-1.json", 2L), KV.of("b/exec-2.json", 1L));
    PAssert.that(parsed.get(ParseLogLine.REJECT_COUNTS).apply("SumRejects", Sum.longsPerKey()))
        .containsInAnyOrder(
            KV.of("a/driver.json", 1L), KV.of("b/exec-1.json", 1L), KV.of("b/exec-2.json", 0L));
    PAssert.that(parsed.get(ParseLogLine.FAILURES))
        .containsInAnyOrder(
            KV.of(
                "spark-b", KV.of("b/exec-2.json", "cannot read b/exec-2.json: connection reset")));
    pipeline.run().waitUntilFinish();
  }
}

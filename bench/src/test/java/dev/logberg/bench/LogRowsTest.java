package dev.logberg.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;

/**
 * The harness's data generator only (milliseconds): the benchmark itself never runs in the test
 * suite.
 */
class LogRowsTest {

  @Test
  void rowsAreDeterministicAndBatchesReplaceATenthOfTheKeys() {
    long n = 10_000;
    assertThat(LogRows.record(123, n, 0), is(LogRows.record(123, n, 0)));
    assertThat(LogRows.eventId(123).matches("[0-9a-f]{32}"), is(true));

    Set<String> keys = new HashSet<>();
    long length = 0;
    for (long i = 0; i < n; i++) {
      Record r = LogRows.record(i, n, 0);
      keys.add((String) r.getField("event_id"));
      int m = ((String) r.getField("message")).length();
      assertThat(m, both(greaterThanOrEqualTo(160)).and(lessThan(240)));
      length += m;
    }
    assertThat(keys.size(), is((int) n));
    assertThat((double) length / n, both(greaterThanOrEqualTo(190.0)).and(lessThan(210.0)));

    for (int round = 1; round <= 5; round++) {
      assertThat(LogRows.batchSize(n, round), is(n / 10));
      long i = LogRows.batchKey(7, round);
      Row row = new LogRows.BatchRow(n, round).apply(7L);
      Record original = LogRows.record(i, n, 0);
      assertThat(row.getString("event_id"), is(original.getField("event_id")));
      assertThat(row.getInt64("ingested_at"), is(LogRows.ingestedMicros(round)));
      assertThat(row.getString("message"), not(original.getField("message")));
      assertThat(row.getInt64("timestamp"), is(LogRows.timestampMicros(i, n)));
    }
  }
}

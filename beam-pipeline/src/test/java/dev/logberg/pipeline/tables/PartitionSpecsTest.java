package dev.logberg.pipeline.tables;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.iceberg.PartitionSpec;
import org.junit.jupiter.api.Test;

class PartitionSpecsTest {

  private static String describe(String text) {
    PartitionSpec spec = PartitionSpecs.parse(text, SparkLogsTable.SCHEMA);
    return spec.fields().stream().map(f -> f.name() + "=" + f.transform()).toList().toString();
  }

  @Test
  void parsesTransformsAndIdentityColumns() {
    assertThat(describe("day(timestamp)"), is("[timestamp_day=day]"));
    assertThat(
        describe("hour(timestamp), spark_app_selector"),
        is("[timestamp_hour=hour, spark_app_selector=identity]"));
    assertThat(
        describe("bucket(16, event_id),truncate(4,pod_name)"),
        is("[event_id_bucket=bucket[16], pod_name_trunc=truncate[4]]"));
    assertThat(PartitionSpecs.parse("none", SparkLogsTable.SCHEMA).isUnpartitioned(), is(true));
  }

  @Test
  void namesTheProblem() {
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> describe("day(nope)")).getMessage(),
        containsString("no column 'nope'"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> describe("week(timestamp)"))
            .getMessage(),
        containsString("unknown transform 'week'"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> describe("bucket(x,event_id)"))
            .getMessage(),
        containsString("width must be a positive integer"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> describe("day(timestamp")).getMessage(),
        containsString("no closing parenthesis"));
  }
}

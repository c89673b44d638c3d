package dev.logberg.pipeline.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.pipeline.tables.SparkLogsTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class EncodedRowsTest {
  private static final Schema SCHEMA = SparkLogsTable.ROW_SCHEMA;

  /** A row with every column set: text to {@code text + column}, integers to {@code number}. */
  private static Row row(String text, long number) {
    Object[] values = new Object[SCHEMA.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          SCHEMA.getField(i).getType().getTypeName() == Schema.TypeName.STRING
              ? text + i
              : number + i;
    }
    return Row.withSchema(SCHEMA).attachValues(values);
  }

  /** {@code row} with every nullable column null. */
  private static Row withNulls(Row row) {
    Object[] values = row.getValues().toArray();
    for (int i = 0; i < values.length; i++) {
      if (SCHEMA.getField(i).getType().getNullable()) {
        values[i] = null;
      }
    }
    return Row.withSchema(SCHEMA).attachValues(values);
  }

  private static List<Row> roundTrip(EncodedRows encoded, List<Row> rows) {
    rows.forEach(encoded::add);
    assertThat(encoded.count(), is(rows.size()));
    return EncodedRows.decode(encoded.take(), rows.size());
  }

  @Test
  void rowsComeBackEqualWithNullsTextOfEveryWidthAndExtremeIntegers() {
    List<Row> rows =
        List.of(
            row("plain ascii ", 1_736_844_699_602_644L),
            row("", 0),
            row("é ü ß – 日本語 😀 \u0000 tab\tnew\nline ", Long.MIN_VALUE),
            row("x".repeat(300), Long.MAX_VALUE - 40),
            withNulls(row("nulls ", -1)));
    assertThat(roundTrip(new EncodedRows(), rows), is(rows));
  }

  /** Every nullable column is null in some row, and only there. */
  @Test
  void eachNullableColumnIsNullOnItsOwn() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < SCHEMA.getFieldCount(); i++) {
      if (SCHEMA.getField(i).getType().getNullable()) {
        Object[] values = row("c" + i + " ", i).getValues().toArray();
        values[i] = null;
        rows.add(Row.withSchema(SCHEMA).attachValues(values));
      }
    }
    assertThat(rows.isEmpty(), is(false));
    assertThat(roundTrip(new EncodedRows(), rows), is(rows));
  }

  /** One instance serves batch after batch, growing past its first array. */
  @Test
  void oneInstanceEncodesManyBatchesOfAnySize() {
    EncodedRows encoded = new EncodedRows();
    for (int batch = 1; batch <= 3; batch++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < batch * 700; i++) {
        rows.add(row("batch " + batch + " line " + i + " " + "m".repeat(i % 200), i));
      }
      assertThat(roundTrip(encoded, rows), is(rows));
    }
    encoded.add(row("dropped ", 1));
    encoded.clear();
    assertThat(encoded.count(), is(0));
    assertThat(encoded.take().length, is(0));
  }

  /**
   * A text that repeats the column's previous value costs one byte, also after a null in between;
   * each batch starts afresh, so a batch decodes on its own.
   */
  @Test
  void repeatedTextIsWrittenOnceABatch() {
    EncodedRows encoded = new EncodedRows();
    Row first = row("the same pod and file ", 1);
    encoded.add(first);
    int once = encoded.take().length;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(i % 3 == 1 ? withNulls(first) : first);
    }
    rows.forEach(encoded::add);
    byte[] batch = encoded.take();
    assertThat(batch.length < 2 * once + 100 * 40, is(true));
    assertThat(EncodedRows.decode(batch, rows.size()), is(rows));
    encoded.add(first);
    assertThat(EncodedRows.decode(encoded.take(), 1), is(List.of(first)));
  }

  @Test
  void aCountThatDoesNotMatchTheBytesIsRefused() {
    EncodedRows encoded = new EncodedRows();
    encoded.add(row("a ", 1));
    encoded.add(row("b ", 2));
    byte[] bytes = encoded.take();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> EncodedRows.decode(bytes, 1));
    assertThat(e.getMessage().contains("1 rows took"), is(true));
    assertThrows(
        ArrayIndexOutOfBoundsException.class,
        () -> EncodedRows.decode(Arrays.copyOf(bytes, bytes.length - 3), 2));
  }
}

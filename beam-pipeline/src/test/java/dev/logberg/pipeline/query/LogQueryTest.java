package dev.logberg.pipeline.query;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.pipeline.tables.SparkLogsTable;
import dev.logberg.upsert.CatalogSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of {@code logs} and {@code apps}, and {@link LogLines} on a real table. */
class LogQueryTest {
  private static final Instant NOW = Instant.parse("2025-01-16T12:00:00Z");

  @TempDir Path dir;

  @Test
  void timesAreInstantsDatesOrAges() {
    assertThat(
        TimeBound.parse("2025-01-15T10:00:00Z", NOW), is(Instant.parse("2025-01-15T10:00:00Z")));
    assertThat(
        TimeBound.parse("2025-01-15T10:00:00.5+02:00", NOW),
        is(Instant.parse("2025-01-15T08:00:00.5Z")));
    assertThat(TimeBound.parse("2025-01-15", NOW), is(Instant.parse("2025-01-15T00:00:00Z")));
    assertThat(TimeBound.parse("90s", NOW), is(NOW.minusSeconds(90)));
    assertThat(TimeBound.parse("2h", NOW), is(NOW.minusSeconds(7200)));
    assertThat(TimeBound.parse("7d", NOW), is(Instant.parse("2025-01-09T12:00:00Z")));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> TimeBound.parse("2025-13-45", NOW));
    assertThat(bad.getMessage(), containsString("'2025-13-45' is not an instant"));
  }

  @Test
  void aLevelShowsItselfAndWhatIsMoreSevere() {
    assertThat(Severity.parse("warn").andAbove(), is(List.of("WARN", "ERROR", "FATAL")));
    assertThat(Severity.parse("WARNING"), is(Severity.WARN));
    assertThat(Severity.parse("FATAL").andAbove(), is(List.of("FATAL")));
    assertThrows(IllegalArgumentException.class, () -> Severity.parse("LOUD"));
  }

  /**
   * Rows of two pods over three days, in files that each cover a stretch of time out of order:
   * every filter returns exactly its rows, in time order, day windows only where files are.
   */
  @Test
  void linesComeFilteredAndInTimeOrderAcrossFilesAndDays() {
    Table table = table();
    List<Record> all = new ArrayList<>();
    // Three files appended newest first; a day (the 17th) without any row.
    append(table, all, "app-1", "pod-b", "2025-01-18T01:00:00Z", 5, "ERROR");
    append(table, all, "app-1", "pod-a", "2025-01-16T23:59:58Z", 4, "INFO");
    append(table, all, "app-1", "pod-a", "2025-01-15T12:00:00Z", 3, "WARN");
    append(table, all, "app-2", "pod-c", "2025-01-15T12:00:00Z", 3, "ERROR");

    List<String> read = read(table, LogFilter.application("app-1"));
    assertThat(read, is(expected(all, "app-1", null, null, null)));
    assertThat(read.size(), is(12));
    assertThat(
        "windows only on days with files",
        LogLines.windows(table, table.currentSnapshot(), LogFilter.application("app-1")).size(),
        is(4)); // the 15th, 16th and 17th (the second file spans midnight), and the 18th

    List<String> halved = new ArrayList<>();
    LogLines.read(table, LogFilter.application("app-1"), r -> halved.add(describe(r)), 2);
    assertThat("days of more than 2 rows read in halves, same lines", halved, is(read));

    LogFilter warnings = new LogFilter("app-1", "pod-a", Severity.WARN, null, null, null);
    assertThat(read(table, warnings), is(expected(all, "app-1", "pod-a", "WARN", null)));
    assertThat(read(table, warnings).size(), is(3));

    LogFilter range =
        new LogFilter(
            "app-1",
            null,
            null,
            Instant.parse("2025-01-16T23:59:59Z"),
            Instant.parse("2025-01-18T01:00:02Z"),
            "line 1");
    assertThat(
        read(table, range),
        is(
            List.of(
                "2025-01-16T23:59:59Z app-1 pod-a INFO line 1",
                "2025-01-18T01:00:01Z app-1 pod-b ERROR line 1")));
  }

  private static List<String> expected(
      List<Record> all, String app, String pod, String level, String grep) {
    return all.stream()
        .filter(r -> r.getField("spark_app_selector").equals(app))
        .filter(r -> pod == null || r.getField("pod_name").equals(pod))
        .filter(
            r ->
                level == null
                    || Severity.valueOf((String) r.getField("log_level"))
                            .compareTo(Severity.valueOf(level))
                        >= 0)
        .sorted(LogLines.ORDER)
        .map(LogQueryTest::describe)
        .toList();
  }

  private static List<String> read(Table table, LogFilter filter) {
    List<String> rows = new ArrayList<>();
    long count = LogLines.read(table, filter, r -> rows.add(describe(r)));
    assertThat(count, is((long) rows.size()));
    return rows;
  }

  private static String describe(Record r) {
    return ((OffsetDateTime) r.getField("timestamp")).withOffsetSameInstant(ZoneOffset.UTC)
        + " "
        + r.getField("spark_app_selector")
        + " "
        + r.getField("pod_name")
        + " "
        + r.getField("log_level")
        + " "
        + r.getField("message");
  }

  /** A table of a catalog that stays open for the test (its connection pool serves the table). */
  private Table table() {
    Catalog catalog = CatalogSpec.sqlite("logberg", dir).load();
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("logs"));
    return catalog.createTable(
        TableIdentifier.of("logs", "spark_logs"),
        SparkLogsTable.SCHEMA,
        PartitionSpec.unpartitioned());
  }

  /** One file of {@code count} lines a second apart from {@code start}, newest line first. */
  private static void append(
      Table table,
      List<Record> all,
      String app,
      String pod,
      String start,
      int count,
      String level) {
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
    try {
      DataWriter<Record> writer =
          new GenericAppenderFactory(table.schema())
              .newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
      for (int i = count - 1; i >= 0; i--) {
        Record r = GenericRecord.create(table.schema());
        OffsetDateTime time = OffsetDateTime.parse(start).plusSeconds(i);
        r.setField("timestamp", time);
        r.setField("log_level", level);
        r.setField("message", "line " + i);
        r.setField("pod_name", pod);
        r.setField("spark_app_selector", app);
        r.setField("event_id", app + pod + start + i);
        r.setField("source_file", app + "/" + pod + "/" + start);
        r.setField("line_number", (long) i + 1);
        r.setField("ingested_at", time);
        writer.write(r);
        all.add(r);
      }
      writer.close();
      DataFile file = writer.toDataFile();
      AppendFiles append = table.newAppend();
      append.appendFile(file);
      append.commit();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.storage.LoopbackS3;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test tree read from a real S3 server on loopback gives the same tables as the same tree read
 * locally.
 */
class S3InputTest {
  private static final Path TREE =
      Path.of(System.getProperty("logberg.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("testdata/spark-application-logs/spark-team-a");

  @TempDir Path dir;
  private LoopbackS3 s3;

  @BeforeEach
  void startS3() {
    s3 = new LoopbackS3(dir.resolve("s3"));
    s3.createBucket("spark-logs");
    s3.upload(TREE, "spark-logs", "spark-application-logs/spark-team-a/");
  }

  @AfterEach
  void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void s3InputLandsTheSameRowsAsTheLocalTreeAndARerunSkipsEverything() {
    Lakehouse local = new Lakehouse(dir.resolve("local"), TREE.toString());
    Lakehouse remote =
        new Lakehouse(
            dir.resolve("remote"),
            "s3://spark-logs/spark-application-logs/spark-team-a",
            s3.options());
    assertThat(local.run().exitCode(), is(Main.OK));
    Lakehouse.Run first = remote.run();
    assertThat(first.output(), first.exitCode(), is(Main.OK));

    // Line identities do not depend on where the tree lies: same event ids, same rejects, same
    // statuses.
    assertThat(
        column(remote.rows(remote.tables.dataTable()), r -> r.getField(SparkLogsTable.EVENT_ID)),
        is(column(local.rows(local.tables.dataTable()), r -> r.getField(SparkLogsTable.EVENT_ID))));
    assertThat(
        column(remote.rows(remote.tables.dataTable()), r -> r.getField(SparkLogsTable.MESSAGE)),
        is(column(local.rows(local.tables.dataTable()), r -> r.getField(SparkLogsTable.MESSAGE))));
    assertThat(
        column(
            remote.rows(remote.tables.rejectsTable()),
            r ->
                r.getField(RejectsTable.REASON)
                    + "@"
                    + r.getField(RejectsTable.SOURCE_FILE)
                    + ":"
                    + r.getField(RejectsTable.LINE_NUMBER)),
        is(
            column(
                local.rows(local.tables.rejectsTable()),
                r ->
                    r.getField(RejectsTable.REASON)
                        + "@"
                        + r.getField(RejectsTable.SOURCE_FILE)
                        + ":"
                        + r.getField(RejectsTable.LINE_NUMBER))));
    List<Record> statuses = remote.rows(remote.tables.metadataTable());
    assertThat(statuses, hasSize(local.rows(local.tables.metadataTable()).size()));
    assertThat(
        column(
            statuses,
            r ->
                r.getField(ProcessingMetadataTable.STATUS)
                    + " "
                    + r.getField(ProcessingMetadataTable.RECORDS_PROCESSED)
                    + " "
                    + r.getField(ProcessingMetadataTable.FINGERPRINT)),
        is(
            column(
                local.rows(local.tables.metadataTable()),
                r ->
                    r.getField(ProcessingMetadataTable.STATUS)
                        + " "
                        + r.getField(ProcessingMetadataTable.RECORDS_PROCESSED)
                        + " "
                        + r.getField(ProcessingMetadataTable.FINGERPRINT))));
    assertThat(
        column(
            statuses,
            r ->
                ((String) r.getField(ProcessingMetadataTable.SOURCE_PATH))
                    .startsWith("s3://spark-logs/spark-application-logs/spark-team-a/spark-")),
        is(Set.of("true")));

    long snapshot = remote.snapshotId(remote.tables.dataTable());
    Lakehouse.Run again = remote.run();
    assertThat(again.exitCode(), is(Main.OK));
    assertThat(remote.snapshotId(remote.tables.dataTable()), is(snapshot));
  }

  @Test
  void anS3WarehouseHoldsTheSameTablesAsALocalOne() {
    Lakehouse local = new Lakehouse(dir.resolve("local"), TREE.toString());
    s3.createBucket("lake");
    String[] options =
        concat(
            s3.options(),
            "--warehouse=s3://lake/warehouse",
            "--catalogUri=jdbc:sqlite:" + dir.resolve("catalog.db"));
    Lakehouse remote =
        new Lakehouse(
            dir.resolve("remote"), "s3://spark-logs/spark-application-logs/spark-team-a", options);
    assertThat(local.run().exitCode(), is(Main.OK));
    Lakehouse.Run first = remote.run();
    assertThat(first.output(), first.exitCode(), is(Main.OK));
    assertThat(
        remote.table(remote.tables.dataTable()).location().startsWith("s3://lake/warehouse/"),
        is(true));
    assertThat(
        column(remote.rows(remote.tables.dataTable()), r -> r.getField(SparkLogsTable.EVENT_ID)),
        is(column(local.rows(local.tables.dataTable()), r -> r.getField(SparkLogsTable.EVENT_ID))));
    assertThat(
        remote.rows(remote.tables.rejectsTable()),
        hasSize(local.rows(local.tables.rejectsTable()).size()));

    // A forced re-run upserts on S3 (position deletes written through S3FileIO): still one row per
    // line.
    assertThat(remote.run("--reprocessAll").exitCode(), is(Main.OK));
    List<Record> rows = remote.rows(remote.tables.dataTable());
    assertThat(rows, hasSize(local.rows(local.tables.dataTable()).size()));
  }

  @Test
  void aMissingBucketFailsTheJobNamingTheLocationAndRecordsNothing() {
    Lakehouse remote =
        new Lakehouse(dir.resolve("remote"), "s3://no-such-bucket/logs", s3.options());
    Lakehouse.Run run = remote.run();
    assertThat(run.exitCode(), is(Main.JOB_FAILED));
    assertThat(run.output().contains("cannot list s3://no-such-bucket/logs/"), is(true));
    assertThat(remote.rows(remote.tables.metadataTable()), hasSize(0));
  }

  @Test
  void anUnreachableS3FailsTheJobNamingTheLocationAndRecordsNothing() {
    // Nothing listens on port 1: S3 is down for this run.
    Lakehouse remote =
        new Lakehouse(
            dir.resolve("remote"),
            "s3://spark-logs/spark-application-logs/spark-team-a",
            "--s3Endpoint=http://127.0.0.1:1",
            "--s3PathStyleAccess",
            "--region=" + LoopbackS3.REGION);
    Lakehouse.Run run = remote.run();
    assertThat(run.exitCode(), is(Main.JOB_FAILED));
    assertThat(
        run.output(),
        run.output().contains("cannot list s3://spark-logs/spark-application-logs/spark-team-a/"),
        is(true));
    assertThat(remote.rows(remote.tables.metadataTable()), hasSize(0));
  }

  @Test
  void anUnreachableWarehouseFailsBeforeTheJobNamingIt() {
    Lakehouse remote =
        new Lakehouse(
            dir.resolve("remote"),
            TREE.toString(),
            "--warehouse=s3://lake/warehouse",
            "--catalogUri=jdbc:sqlite:" + dir.resolve("catalog.db"),
            "--s3Endpoint=http://127.0.0.1:1",
            "--s3PathStyleAccess",
            "--region=" + LoopbackS3.REGION);
    Lakehouse.Run run = remote.run();
    assertThat(run.exitCode(), is(Main.JOB_FAILED));
    assertThat(
        run.output(),
        run.output().contains("Cannot prepare the tables of")
            && run.output().contains("warehouse s3://lake/warehouse"),
        is(true));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static Set<String> column(List<Record> rows, Function<Record, Object> value) {
    return rows.stream()
        .map(value)
        .map(String::valueOf)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}

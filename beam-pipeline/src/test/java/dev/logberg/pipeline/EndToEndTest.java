package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logberg.pipeline.tables.ProcessingMetadataTable;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the checked-in test data (a copy, so tests may change it), against the
 * generator's manifest: the ground truth of how many lines each application has, and which are
 * valid.
 */
class EndToEndTest {
  static final Path REPO =
      Path.of(System.getProperty("logberg.repo", "..")).toAbsolutePath().normalize();
  static final Path TREE = REPO.resolve("testdata/spark-application-logs/spark-team-a");
  private static final Path MANIFEST = REPO.resolve("testdata/expected/spark-team-a.manifest.json");

  @TempDir Path dir;
  private Path input;
  private Lakehouse lake;
  private JsonNode manifest;

  @BeforeEach
  void copyTree() throws IOException {
    input = dir.resolve("input");
    try (Stream<Path> paths = Files.walk(TREE)) {
      for (Path p : paths.toList()) {
        Path target = input.resolve(TREE.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    lake = new Lakehouse(dir, input.toString());
    manifest = new ObjectMapper().readTree(MANIFEST.toFile());
  }

  @Test
  void landsEveryValidLineRejectsTheRestAndASecondRunChangesNothing() {
    Lakehouse.Run first = lake.run();
    assertThat(first.output(), first.exitCode(), is(Main.OK));

    List<Record> data = lake.rows(lake.tables.dataTable());
    List<Record> rejects = lake.rows(lake.tables.rejectsTable());
    List<Record> metadata = lake.rows(lake.tables.metadataTable());
    Map<String, Record> statuses = latestStatus(metadata);
    assertThat(statuses.keySet(), is(manifestApps().keySet()));
    assertThat("one live metadata row per application", metadata, hasSize(statuses.size()));
    for (JsonNode app : manifest.get("apps")) {
      String id = app.get("appId").asText();
      List<Record> rows = ofApp(data, id);
      assertThat(id, rows, hasSize(app.get("validLines").asInt()));
      assertThat(
          id, distinct(rows, SparkLogsTable.EVENT_ID), is((long) app.get("validLines").asInt()));
      assertThat(id, countBy(rows, SparkLogsTable.LOG_LEVEL), is(asCounts(app.get("levels"))));
      assertThat(
          id,
          rows.stream()
              .map(r -> (OffsetDateTime) r.getField(SparkLogsTable.TIMESTAMP))
              .min(Comparator.naturalOrder())
              .orElseThrow(),
          is(OffsetDateTime.parse(app.get("minTimestamp").asText())));
      assertThat(id, rejectReasons(ofApp(rejects, id)), is(asCounts(app.get("rejects"))));

      Record status = statuses.get(id);
      assertThat(id, status.getField(ProcessingMetadataTable.STATUS), is("SUCCESS"));
      assertThat(
          id,
          status.getField(ProcessingMetadataTable.RECORDS_PROCESSED),
          is(app.get("validLines").asLong()));
      assertThat(
          id,
          status.getField(ProcessingMetadataTable.RECORDS_REJECTED),
          is(sum(app.get("rejects"))));
      assertThat(id, status.getField(ProcessingMetadataTable.FILES), is(app.get("files").asLong()));
      assertThat(id, status.getField(ProcessingMetadataTable.BYTES), is(app.get("bytes").asLong()));
      assertThat(id, status.getField(ProcessingMetadataTable.ATTEMPTS), is(1));
    }
    // The non-application folder and the empty application folder leave no trace.
    assertThat(
        data.stream()
            .map(r -> (String) r.getField(SparkLogsTable.SOURCE_FILE))
            .filter(f -> !f.startsWith("spark-"))
            .toList(),
        is(empty()));
    for (JsonNode empty : manifest.get("emptyAppFolders")) {
      assertThat(statuses.containsKey(empty.asText()), is(false));
    }
    assertThat(
        first.output(),
        allOf(containsString("records"), containsString("applications by status {SUCCESS=")));
    // The claims of a run are one commit of one data file, its statuses another: not a file per
    // application.
    List<String> statusFilesPerCommit = new java.util.ArrayList<>();
    lake.table(lake.tables.metadataTable())
        .snapshots()
        .forEach(
            s -> {
              String added = s.summary().get("added-data-files");
              if (added != null) { // not the removal of the claims' fully replaced file
                statusFilesPerCommit.add(added);
              }
            });
    assertThat(statusFilesPerCommit, is(List.of("1", "1")));

    long[] snapshots = snapshots();
    Lakehouse.Run second = lake.run();
    assertThat(second.exitCode(), is(Main.OK));
    assertThat(second.output(), containsString("{SKIP_DONE=" + manifest.get("apps").size() + "}"));
    assertThat("no table changed", snapshots(), is(snapshots));
  }

  @Test
  void aGrownFolderIsProcessedAgainAndNoOtherApplication() throws IOException {
    assertThat(lake.run().exitCode(), is(Main.OK));
    Map<String, Long> before = rowsPerApp(lake.rows(lake.tables.dataTable()));

    String grown = manifest.get("apps").get(0).get("appId").asText();
    Path original = plainFilesOf(grown).get(0);
    Path added =
        original.resolveSibling(
            original.getFileName().toString().replace(".json", "_rotated.json"));
    Files.copy(original, added);
    String originalSource = input.relativize(original).toString();
    long originalRows =
        lake.rows(lake.tables.dataTable()).stream()
            .filter(r -> originalSource.equals(r.getField(SparkLogsTable.SOURCE_FILE)))
            .count();

    Lakehouse.Run rerun = lake.run();
    assertThat(rerun.exitCode(), is(Main.OK));
    assertThat(
        rerun.output(),
        containsString("{PROCESS_CHANGED=1, SKIP_DONE=" + (before.size() - 1) + "}"));

    List<Record> data = lake.rows(lake.tables.dataTable());
    assertThat(ofApp(data, grown), hasSize((int) (before.get(grown) + originalRows)));
    assertThat(
        distinct(ofApp(data, grown), SparkLogsTable.EVENT_ID),
        is(before.get(grown) + originalRows));
    Map<String, Long> after = rowsPerApp(data);
    before.forEach(
        (app, rows) -> {
          if (!app.equals(grown)) {
            assertThat(app, after.get(app), is(rows));
          }
        });
    Record status = latestStatus(lake.rows(lake.tables.metadataTable())).get(grown);
    assertThat(status.getField(ProcessingMetadataTable.STATUS), is("SUCCESS"));
    assertThat(
        status.getField(ProcessingMetadataTable.RECORDS_PROCESSED),
        is(before.get(grown) + originalRows));

    // Processing everything again replaces rows, never adds: every count stays. This run resolves
    // its merge keys
    // with the distributed GroupByKey (the other runs' small plans resolve in-process).
    List<Record> rejectsBefore = lake.rows(lake.tables.rejectsTable());
    Lakehouse.Run reprocessed = lake.run("--reprocessAll", "--resolveInProcessMaxRows=0");
    assertThat(reprocessed.exitCode(), is(Main.OK));
    List<Record> again = lake.rows(lake.tables.dataTable());
    assertThat(rowsPerApp(again), is(after));
    // The summary counts the live rows from the snapshot's totals, every superseded row deleted.
    assertThat(
        reprocessed.output(),
        containsString(
            String.format("Table %s: %,d records, ", lake.tables.dataTable(), again.size())));
    assertThat(distinct(again, SparkLogsTable.EVENT_ID), is((long) again.size()));
    assertThat(lake.rows(lake.tables.rejectsTable()), hasSize(rejectsBefore.size()));
    assertThat(lake.rows(lake.tables.metadataTable()), hasSize(before.size()));
  }

  /**
   * A backfill in slices: with {@code --maxBytes} at half the tree, each run lands the next
   * applications in id order within the limit and counts the rest as deferred, until everything is
   * landed once.
   */
  @Test
  void maxBytesLandsTheTreeInSlicesThatTogetherLandEveryLineOnce() throws IOException {
    long tree = 0;
    for (Path file : filesOfTree()) {
      tree += Files.size(file);
    }
    List<Long> deferred = new ArrayList<>();
    for (int run = 1; run <= 5; run++) {
      Lakehouse.Run slice = lake.run("--maxBytes=" + (tree / 2));
      assertThat(slice.output(), slice.exitCode(), is(Main.OK));
      Matcher m = Pattern.compile("SKIP_DEFERRED=(\\d+)").matcher(slice.output());
      if (!m.find()) {
        break;
      }
      deferred.add(Long.parseLong(m.group(1)));
    }
    assertThat("applications left after each slice", deferred.size(), greaterThan(0));
    for (int i = 1; i < deferred.size(); i++) {
      assertThat(deferred.get(i), lessThan(deferred.get(i - 1)));
    }
    List<Record> data = lake.rows(lake.tables.dataTable());
    long valid = 0;
    for (JsonNode app : manifest.get("apps")) {
      valid += app.get("validLines").asLong();
    }
    assertThat(data, hasSize((int) valid));
    assertThat(distinct(data, SparkLogsTable.EVENT_ID), is(valid));
  }

  /**
   * Tables landed by a release without the files table: their applications are migrated when their
   * folder grows, and only the new file is read.
   */
  @Test
  void anApplicationLandedByAnEarlierReleaseIsMigratedWithoutLandingItAgain() throws IOException {
    assertThat(lake.run().exitCode(), is(Main.OK));
    List<Record> landed = lake.rows(lake.tables.dataTable());
    // What an earlier release left: statuses and rows, no per-file state.
    lake.catalog()
        .apply(
            c -> {
              c.loadTable(lake.tables.filesTable())
                  .newDelete()
                  .deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.alwaysTrue())
                  .commit();
              return null;
            });
    String grown = manifest.get("apps").get(0).get("appId").asText();
    List<Path> old = plainFilesOf(grown);
    Path original = old.get(0);
    // Beside the first file, so that the old files are not the first in name order: the
    // migration must find them from the landed rows.
    Path added =
        original.resolveSibling(
            original.getFileName().toString().replace(".json", "_rotated.json"));
    Files.copy(original, added);
    long filesOfApp =
        filesOfTree().stream().filter(p -> p.startsWith(input.resolve(grown))).count();

    Lakehouse.Run rerun = lake.run();

    assertThat(rerun.output(), rerun.exitCode(), is(Main.OK));
    assertThat(
        rerun.output(),
        containsString(String.format("read: 1 files (%,d bytes, 0 failed; ", Files.size(added))));
    assertThat(rerun.output(), containsString((filesOfApp - 1) + " migrated unread"));
    assertThat(rerun.output(), containsString("upsert: 0 superseded rows deleted"));
    List<Record> data = lake.rows(lake.tables.dataTable());
    String addedSource = input.relativize(added).toString();
    long addedRows =
        data.stream()
            .filter(r -> addedSource.equals(r.getField(SparkLogsTable.SOURCE_FILE)))
            .count();
    assertThat(addedRows, org.hamcrest.Matchers.greaterThan(0L));
    assertThat((long) data.size(), is(landed.size() + addedRows));
    assertThat(lake.rows(lake.tables.filesTable()), hasSize((int) filesOfApp));
    Record status = latestStatus(lake.rows(lake.tables.metadataTable())).get(grown);
    assertThat(
        status.getField(ProcessingMetadataTable.RECORDS_PROCESSED),
        is(ofApp(data, grown).stream().count()));
  }

  @Test
  void anUnreadableFileFailsItsApplicationWhichIsRetriedUntilAttemptsRunOut() throws IOException {
    Path gz =
        filesOfTree().stream().filter(p -> p.toString().endsWith(".gz")).findFirst().orElseThrow();
    String app = input.relativize(gz).getName(0).toString();
    byte[] good = Files.readAllBytes(gz);
    // Truncated: the gzip header is fine, the stream ends early (Beam reads a file without gzip
    // magic as plain text).
    Files.write(gz, java.util.Arrays.copyOf(good, good.length / 2));

    Lakehouse.Run failing = lake.run("--maxAttempts=2");
    assertThat(failing.output(), failing.exitCode(), is(Main.APPS_FAILED));
    Record failed = latestStatus(lake.rows(lake.tables.metadataTable())).get(app);
    assertThat(failed.getField(ProcessingMetadataTable.STATUS), is("FAILED"));
    assertThat(
        (String) failed.getField(ProcessingMetadataTable.ERROR_MESSAGE),
        containsString("cannot read " + input.relativize(gz)));
    assertThat(failed.getField(ProcessingMetadataTable.ATTEMPTS), is(1));

    Lakehouse.Run retried = lake.run("--maxAttempts=2");
    assertThat(retried.output(), containsString("RETRY_FAILED=1"));
    assertThat(
        latestStatus(lake.rows(lake.tables.metadataTable()))
            .get(app)
            .getField(ProcessingMetadataTable.ATTEMPTS),
        is(2));

    Lakehouse.Run exhausted = lake.run("--maxAttempts=2");
    assertThat(exhausted.exitCode(), is(Main.OK));
    assertThat(exhausted.output(), containsString("SKIP_ATTEMPTS_EXHAUSTED=1"));

    Files.write(gz, good);
    Lakehouse.Run fixed = lake.run("--maxAttempts=2", "--reprocess=" + app);
    assertThat(fixed.exitCode(), is(Main.OK));
    assertThat(fixed.output(), containsString("PROCESS_FORCED=1"));
    Record success = latestStatus(lake.rows(lake.tables.metadataTable())).get(app);
    assertThat(success.getField(ProcessingMetadataTable.STATUS), is("SUCCESS"));
    // The lines read before the truncation in the failed attempts were replaced, not duplicated.
    List<Record> rows = ofApp(lake.rows(lake.tables.dataTable()), app);
    assertThat(rows, hasSize(manifestApps().get(app).get("validLines").asInt()));
    assertThat(distinct(rows, SparkLogsTable.EVENT_ID), is((long) rows.size()));
  }

  @Test
  void anUnreadableMetadataTableFailsTheJobInsteadOfReprocessingEverything() throws IOException {
    assertThat(lake.run().exitCode(), is(Main.OK));
    long dataSnapshot = lake.snapshotId(lake.tables.dataTable());
    String location = lake.table(lake.tables.metadataTable()).location();
    try (Stream<Path> files = Files.walk(Path.of(location.replaceFirst("^file:", ""), "data"))) {
      for (Path parquet : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Files.delete(parquet);
      }
    }

    Lakehouse.Run run = lake.run();
    assertThat(run.exitCode(), is(Main.JOB_FAILED));
    assertThat(
        run.output(),
        containsString("cannot read the metadata table " + lake.tables.metadataTable()));
    assertThat(lake.snapshotId(lake.tables.dataTable()), is(dataSnapshot));
  }

  /**
   * The summary after a run costs the same whatever the table holds: it describes the data table
   * from its metadata, so it reads none of its data files (here, gone from disk).
   */
  @Test
  void theSummaryAfterARunReadsNoDataFile() throws IOException {
    assertThat(lake.run().exitCode(), is(Main.OK));
    long valid = manifest.get("totals").get("validLines").asLong();
    try (CloseableIterable<FileScanTask> tasks =
        lake.table(lake.tables.dataTable()).newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        Files.delete(Path.of(task.file().location().replaceFirst("^file:", "")));
      }
    }

    Lakehouse.Run again = lake.run();
    assertThat(again.output(), again.exitCode(), is(Main.OK));
    assertThat(
        again.output(),
        containsString(String.format("Table %s: %,d records, ", lake.tables.dataTable(), valid)));
  }

  @Test
  void verifyPrintsTheSummaryAndDumpTheCanonicalRowsOfExistingTables() {
    assertThat(lake.run().exitCode(), is(Main.OK));
    long valid = manifest.get("totals").get("validLines").asLong();
    assertThat(
        command("verify"),
        containsString(String.format("Table %s: %,d records", lake.tables.dataTable(), valid)));

    List<String> dump = command("dump").lines().toList();
    long rejected = sum(manifest.get("totals").get("rejects"));
    int apps = manifest.get("apps").size();
    long files = manifest.get("totals").get("files").asLong();
    assertThat(dump, hasSize((int) (4 + valid + apps + rejected + files)));
    assertThat(dump.stream().filter(l -> l.startsWith("# ")).count(), is(4L));
    assertThat(
        dump.stream().filter(l -> l.contains("INGESTED_AT") || l.contains("ingested_at")).count(),
        is(0L));

    // Reprocessing everything rewrites every row with new times and job ids; the canonical content
    // stays the same.
    assertThat(lake.run("--reprocessAll").exitCode(), is(Main.OK));
    assertThat(command("dump").lines().toList(), is(dump));
  }

  @Test
  void upkeepCompactsTheTablesAndTheirContentStaysTheSame() throws IOException {
    assertThat(lake.run().exitCode(), is(Main.OK));
    assertThat(lake.run("--reprocessAll").exitCode(), is(Main.OK));
    List<String> dump = command("dump").lines().toList();
    int[] before = files(lake.tables.dataTable());
    assertThat("publications leave no empty files", before[1], is(0));

    List<String> report = command("upkeep").lines().filter(l -> l.contains("compacted")).toList();

    assertThat(report.toString(), report, hasSize(4));
    assertThat(report.get(0), containsString(lake.tables.dataTable() + ": compacted "));
    for (org.apache.iceberg.catalog.TableIdentifier id :
        List.of(
            lake.tables.dataTable(),
            lake.tables.metadataTable(),
            lake.tables.rejectsTable(),
            lake.tables.filesTable())) {
      int[] after = files(id);
      assertThat(id + " has no deletes left", after[2], is(0));
      assertThat(
          id + " has at most the one empty file a last rows-free commit adds",
          after[1] <= 1,
          is(true));
    }
    int[] after = files(lake.tables.dataTable());
    assertThat(after[0] + after[1] <= before[0] + before[1], is(true));
    assertThat(command("dump").lines().toList(), is(dump));
    // A run after upkeep appends and resolves as before; with --upkeepAfterRun it says per table
    // whether upkeep was due.
    Lakehouse.Run again = lake.run("--reprocessAll", "--upkeepAfterRun");
    assertThat(again.output(), again.exitCode(), is(Main.OK));
    assertThat(again.output(), containsString(lake.tables.rejectsTable() + ": upkeep not due"));
    assertThat(command("dump").lines().toList(), is(dump));
  }

  /** Live data files with rows, empty data files, delete files (a vector counted once). */
  private int[] files(org.apache.iceberg.catalog.TableIdentifier id) throws IOException {
    java.util.Set<String> deletes = new java.util.HashSet<>();
    int[] counts = new int[3];
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.FileScanTask> tasks =
        lake.table(id).newScan().planFiles()) {
      for (org.apache.iceberg.FileScanTask t : tasks) {
        counts[t.file().recordCount() == 0 ? 1 : 0]++;
        t.deletes().forEach(d -> deletes.add(d.location() + "#" + d.contentOffset()));
      }
    }
    counts[2] = deletes.size();
    return counts;
  }

  private String command(String command) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            prepend(command, lake.args()),
            new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(output, code, is(Main.OK));
    return output;
  }

  // --- helpers

  private long[] snapshots() {
    return new long[] {
      lake.snapshotId(lake.tables.dataTable()),
      lake.snapshotId(lake.tables.metadataTable()),
      lake.snapshotId(lake.tables.rejectsTable())
    };
  }

  private Map<String, JsonNode> manifestApps() {
    Map<String, JsonNode> apps = new TreeMap<>();
    manifest.get("apps").forEach(a -> apps.put(a.get("appId").asText(), a));
    return apps;
  }

  /** Rows of an application folder: their source file starts with the folder's name. */
  private static List<Record> ofApp(List<Record> rows, String app) {
    return rows.stream()
        .filter(r -> ((String) r.getField("source_file")).startsWith(app + "/"))
        .toList();
  }

  private static Map<String, Long> rowsPerApp(List<Record> rows) {
    return rows.stream()
        .collect(
            Collectors.groupingBy(
                r -> ((String) r.getField(SparkLogsTable.SOURCE_FILE)).split("/", -1)[0],
                TreeMap::new,
                Collectors.counting()));
  }

  private static long distinct(List<Record> rows, String column) {
    return rows.stream().map(r -> r.getField(column)).distinct().count();
  }

  private static Map<String, Long> countBy(List<Record> rows, String column) {
    return rows.stream()
        .collect(
            Collectors.groupingBy(
                r -> String.valueOf(r.getField(column)), TreeMap::new, Collectors.counting()));
  }

  private static Map<String, Long> rejectReasons(List<Record> rejects) {
    return rejects.stream()
        .collect(
            Collectors.groupingBy(
                r -> ((String) r.getField(RejectsTable.REASON)).split(":", -1)[0],
                TreeMap::new,
                Collectors.counting()));
  }

  private static Map<String, Long> asCounts(JsonNode object) {
    Map<String, Long> counts = new TreeMap<>();
    object.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    return counts;
  }

  private static long sum(JsonNode object) {
    return asCounts(object).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The latest metadata row per application. */
  private static Map<String, Record> latestStatus(List<Record> metadata) {
    return metadata.stream()
        .collect(
            Collectors.toMap(
                r -> (String) r.getField(ProcessingMetadataTable.SPARK_APP_SELECTOR),
                r -> r,
                (a, b) ->
                    ((OffsetDateTime) a.getField(ProcessingMetadataTable.UPDATED_AT))
                            .isAfter(
                                (OffsetDateTime) b.getField(ProcessingMetadataTable.UPDATED_AT))
                        ? a
                        : b,
                TreeMap::new));
  }

  private List<Path> filesOfTree() {
    try (Stream<Path> paths = Files.walk(input)) {
      return paths.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Path> plainFilesOf(String app) {
    List<Path> files =
        filesOfTree().stream()
            .filter(p -> input.relativize(p).getName(0).toString().equals(app))
            .filter(p -> p.toString().endsWith(".json"))
            .toList();
    assertThat("the test needs a plain file of " + app, files, is(not(empty())));
    return files;
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}

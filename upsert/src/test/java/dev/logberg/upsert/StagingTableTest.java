package dev.logberg.upsert;

import static dev.logberg.upsert.TestLake.append;
import static dev.logberg.upsert.TestLake.live;
import static dev.logberg.upsert.TestLake.publish;
import static dev.logberg.upsert.TestLake.row;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Staging tables, and publishing what they hold, in process (Managed's part: UpsertIntoIceberg).
 */
class StagingTableTest {
  private static final MergeKeys KEYS = MergeKeys.of("id").orderedBy("ts");
  private static final TableIdentifier TARGET = TableIdentifier.of("db", "t");

  @TempDir Path dir;

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void aStagingTableSharesTheTargetsIdsPartitioningVersionAndDataLocation(int version) {
    TestLake lake = new TestLake(dir);
    Table target =
        lake.create(
            "t",
            version,
            PartitionSpec.builderFor(TestLake.SCHEMA).day("ts").build(),
            Map.of(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "1048576"));
    TableIdentifier id = StagingTable.create(lake.catalog(), TARGET, "Run-1.X");
    assertThat(id, is(TableIdentifier.of("db", "t_staging_run_1_x")));
    Table staging = lake.catalog().loadTable(id);

    assertThat(staging.schema().asStruct(), is(target.schema().asStruct()));
    assertThat(StagingTable.samePartitioning(staging.spec(), target.spec()), is(true));
    assertThat(ResolutionCommitter.formatVersion(staging), is(version));
    Map<String, String> properties = staging.properties();
    assertThat(properties.get(TableProperties.GC_ENABLED), is("false"));
    assertThat(properties.get(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED), is("true"));
    assertThat(properties.get(StagingTable.STAGING_FOR), is("db.t"));
    assertThat(properties.get(StagingTable.RUN_ID), is("Run-1.X"));
    assertThat(properties.get(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES), is("1048576"));
    assertThat(
        properties.get(TableProperties.WRITE_DATA_LOCATION), is(target.location() + "/data"));
    assertThat(
        staging.locationProvider().newDataLocation("f.parquet"),
        startsWith(target.location() + "/data/"));

    // The same run again gets the same table.
    assertThat(StagingTable.create(lake.catalog(), TARGET, "Run-1.X"), is(id));
    // Another run whose id reads the same in a table name does not.
    IllegalStateException other =
        assertThrows(
            IllegalStateException.class,
            () -> StagingTable.create(lake.catalog(), TARGET, "run-1-x"));
    assertThat(other.getMessage(), containsString("(it is for db.t, run 'Run-1.X')"));
  }

  @Test
  void aTargetWithItsOwnDataPathStagesThere() {
    TestLake lake = new TestLake(dir);
    String data = dir.resolve("elsewhere").toString();
    lake.create(
        "t",
        2,
        PartitionSpec.unpartitioned(),
        Map.of(TableProperties.WRITE_DATA_LOCATION, data + "/"));
    Table staging = lake.staging("t", "r1");
    assertThat(staging.properties().get(TableProperties.WRITE_DATA_LOCATION), is(data));
  }

  @Test
  void aTargetWhoseSchemaEvolvedCannotBeStaged() {
    TestLake lake = new TestLake(dir);
    Table target = lake.create("t", 2, false);
    target.updateSchema().deleteColumn("value").commit();
    target
        .updateSchema()
        .addColumn("value", org.apache.iceberg.types.Types.StringType.get())
        .commit();

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> StagingTable.create(lake.catalog(), TARGET, "r1"));
    assertThat(e.getMessage(), containsString("cannot stage rows for db.t"));
    assertThat(e.getMessage(), containsString("Publication and RecordFiles"));
    assertThat("nothing left behind", StagingTable.list(lake.catalog(), TARGET), is(Map.of()));
  }

  @Test
  void listFindsTheStagingTablesOfOneTargetAndDropRefusesOthers() {
    TestLake lake = new TestLake(dir);
    lake.create("t", 2, false);
    lake.create("t_staging_lookalike", 2, false);
    lake.create("u", 2, false);
    TableIdentifier first = StagingTable.create(lake.catalog(), TARGET, "r1");
    TableIdentifier second = StagingTable.create(lake.catalog(), TARGET, "r2");
    StagingTable.create(lake.catalog(), TableIdentifier.of("db", "u"), "r1");

    assertThat(StagingTable.list(lake.catalog(), TARGET), is(Map.of("r1", first, "r2", second)));
    assertThrows(
        IllegalStateException.class,
        () -> StagingTable.drop(lake.catalog(), TableIdentifier.of("db", "t_staging_lookalike")));
    assertThrows(IllegalStateException.class, () -> StagingTable.drop(lake.catalog(), TARGET));
    StagingTable.drop(lake.catalog(), first);
    assertThat(StagingTable.list(lake.catalog(), TARGET), is(Map.of("r2", second)));
  }

  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void publishedFilesLieInTheTargetsDataLocationAndOutliveTheStagingTable(int version) {
    TestLake lake = new TestLake(dir);
    Table target = lake.create("t", version, true);
    publish(target, KEYS, row("a", "a1", 1, "x"), row("b", "b1", 1, "x"));
    Table staging = lake.staging("t", "r1");
    append(staging, row("a", "a2", 2, "x"), row("c", "c1", 2, "y"));
    String stagingMetadata = metadataFile(staging);

    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.resolvePlan(
            target, KEYS, ResolutionPlan.forStaging(target, staging, KEYS));
    assertThat(outcome.addedRows(), is(2L));
    assertThat(outcome.deletedRows(), is(1L));
    StagingTable.drop(lake.catalog(), TableIdentifier.of("db", "t_staging_r1"));

    assertThat(Files.exists(local(stagingMetadata)), is(false));
    assertThat(
        "the staging table's folder, left empty",
        Files.exists(local(staging.location())),
        is(false));
    assertThat(live(target), is(Map.of("a", "a2", "b", "b1", "c", "c1")));
    for (FileScanTask task : tasks(target)) {
      assertThat(task.file().location(), startsWith(target.location() + "/data/"));
      assertThat(Files.exists(local(task.file().location())), is(true));
    }
  }

  @Test
  void aStagedFileWhoseEveryRowLosesIsNotAdded() {
    TestLake lake = new TestLake(dir);
    Table target = lake.create("t", 2, true);
    publish(target, KEYS, row("a", "a1", 10, "x"), row("b", "b1", 10, "x"));
    Table staging = lake.staging("t", "r1");
    // One file per partition: x's rows are older than the target's, y's row is new.
    append(staging, row("a", "a0", 5, "x"), row("b", "b0", 5, "x"), row("c", "c1", 5, "y"));
    List<String> before = paths(target);

    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.resolvePlan(
            target, KEYS, ResolutionPlan.forStaging(target, staging, KEYS));
    assertThat(outcome.addedRows(), is(1L));
    assertThat(outcome.deletedRows(), is(2L));
    assertThat(live(target), is(Map.of("a", "a1", "b", "b1", "c", "c1")));
    List<String> after = paths(target);
    assertThat(after.size(), is(before.size() + 1));
    assertThat(after.containsAll(before), is(true));
    assertThat("nothing masked", deleteFiles(target), is(0));
  }

  @Test
  void filesStagedForAnEvolvedPartitionSpecArePublishedUnderTheTargetsSpec() {
    TestLake lake = new TestLake(dir);
    Table target = lake.create("t", 2, true);
    publish(target, KEYS, row("a", "a1", 10, "x"));
    target.updateSpec().removeField("part").addField(Expressions.day("ts")).commit();
    assertThat(target.spec().specId(), is(1));
    Table staging = lake.staging("t", "r1");
    assertThat(staging.spec().specId(), is(0));
    long day = 86_400;
    append(staging, row("a", "a2", day + 1, "x"), row("b", "b1", 3 * day, "y"));

    MergeKeyResolver.resolvePlan(target, KEYS, ResolutionPlan.forStaging(target, staging, KEYS));
    assertThat(live(target), is(Map.of("a", "a2", "b", "b1")));
    List<Integer> days = new ArrayList<>();
    for (FileScanTask task : tasks(target)) {
      if (!task.file().location().contains("part=")) {
        assertThat(task.file().specId(), is(1));
        days.add(task.file().partition().get(0, Integer.class));
      }
    }
    assertThat(days.stream().sorted().toList(), is(List.of(1, 3)));
    // Partition pruning finds each row under its own day only.
    assertThat(ids(target, day + 1), is(List.of("a")));
    assertThat(ids(target, 3 * day), is(List.of("b")));
    assertThat(ids(target, 2 * day), is(List.of()));
  }

  /** The ids of rows whose day is that of {@code epochSecond}, read with a filter on the day. */
  private static List<String> ids(Table table, long epochSecond) {
    long dayStart = Math.floorDiv(epochSecond, 86_400L) * 86_400L * 1_000_000L;
    List<String> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table)
            .where(
                Expressions.and(
                    Expressions.greaterThanOrEqual("ts", dayStart),
                    Expressions.lessThan("ts", dayStart + 86_400L * 1_000_000L)))
            .build()) {
      rows.forEach(r -> ids.add((String) r.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static String metadataFile(Table table) {
    return ((HasTableOperations) table).operations().current().metadataFileLocation();
  }

  private static Path local(String location) {
    return location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
  }

  private static List<FileScanTask> tasks(Table table) {
    table.refresh();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      List<FileScanTask> all = new ArrayList<>();
      tasks.forEach(all::add);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> paths(Table table) {
    return tasks(table).stream().map(t -> t.file().location()).toList();
  }

  private static int deleteFiles(Table table) {
    return tasks(table).stream().mapToInt(t -> t.deletes().size()).sum();
  }
}

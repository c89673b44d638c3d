package dev.logberg.upsert;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.util.LocationUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table Managed Iceberg writes a run's rows into before they are published to their target
 * ({@link UpsertIntoIceberg}): one per target and run, beside the target, with the target's schema
 * (the same field ids), partitioning and format version.
 *
 * <p>Its data files are written under the target's data location, because publication adds those
 * very files to the target; it never copies them. So that nothing done to the staging table can
 * delete a file the target now holds, it has {@code gc.enabled=false}: Iceberg then deletes no data
 * file when it is dropped with purge or its snapshots expire. The caller drops it when the run ends
 * ({@link #drop}), and the staging tables of dead runs later ({@link #list}); files staged but
 * never published are then orphans of the target, which upkeep removes after its grace period.
 */
public final class StagingTable {
  private static final Logger LOG = LoggerFactory.getLogger(StagingTable.class);

  /** Property naming the target a staging table belongs to. */
  public static final String STAGING_FOR = "logberg.staging-for";

  /** Property naming the run a staging table belongs to. */
  public static final String RUN_ID = "logberg.run-id";

  private static final String INFIX = "_staging_";
  private static final int MAX_RUN_ID_CHARS = 40;

  private StagingTable() {}

  /**
   * Creates the staging table of {@code target} for run {@code runId}, or returns it when this run
   * created it already.
   *
   * @return {@code <target name>_staging_<runId in [a-z0-9_], at most 40 characters>}, in the
   *     target's namespace
   * @throws IllegalStateException if a table of that name belongs to another target or run, or the
   *     target's field ids or partitioning cannot be reproduced by a new table
   */
  public static TableIdentifier create(Catalog catalog, TableIdentifier target, String runId) {
    Table targetTable = catalog.loadTable(target);
    TableIdentifier staging = identifier(target, runId);
    Table table;
    boolean created;
    try {
      table =
          catalog
              .buildTable(staging, targetTable.schema())
              .withPartitionSpec(targetTable.spec())
              .withProperties(properties(targetTable, target, runId))
              .create();
      created = true;
    } catch (AlreadyExistsException e) {
      table = catalog.loadTable(staging);
      created = false;
      String owner = table.properties().get(STAGING_FOR);
      String run = table.properties().get(RUN_ID);
      if (!target.toString().equals(owner) || !runId.equals(run)) {
        throw new IllegalStateException(
            "table "
                + staging
                + " exists but is not the staging table of "
                + target
                + " for run '"
                + runId
                + "' (it is for "
                + owner
                + ", run '"
                + run
                + "')",
            e);
      }
    }
    List<String> problems = layoutProblems(targetTable, table);
    if (!problems.isEmpty()) {
      if (created) {
        drop(catalog, staging);
      }
      throw new IllegalStateException(
          "cannot stage rows for "
              + target
              + ": "
              + String.join("; ", problems)
              + ". Managed would write files whose columns or partitions the target reads"
              + " differently (the target's schema or partitioning has evolved in a way a new"
              + " table cannot repeat). Publish rows into it with Publication and RecordFiles"
              + " instead, or rewrite the target into a new table.");
    }
    return staging;
  }

  /**
   * The identifier {@link #create} gives the staging table of {@code target} for run {@code runId}:
   * what a graph built before the table exists writes to.
   */
  public static TableIdentifier identifier(TableIdentifier target, String runId) {
    return TableIdentifier.of(target.namespace(), target.name() + INFIX + sanitize(runId));
  }

  /**
   * Drops a staging table. Purge removes its metadata files only: with {@code gc.enabled=false}
   * Iceberg's {@code CatalogUtil.dropTableData} deletes no data file, and the published ones belong
   * to the target. (A REST catalog purges on its server; it must honour {@code gc.enabled} too.)
   * Iceberg only logs the files it could not delete; a metadata file still there afterwards is said
   * once, with the permission that is most likely missing.
   *
   * @throws IllegalStateException if the table is not a staging table with gc disabled
   */
  public static void drop(Catalog catalog, TableIdentifier staging) {
    Map<String, String> properties = catalog.loadTable(staging).properties();
    if (PropertyUtil.propertyAsBoolean(
            properties, TableProperties.GC_ENABLED, TableProperties.GC_ENABLED_DEFAULT)
        || !properties.containsKey(STAGING_FOR)) {
      throw new IllegalStateException(
          "refusing to drop "
              + staging
              + ": not a staging table with gc.enabled=false (dropping it with purge could delete"
              + " data files)");
    }
    Table table = catalog.loadTable(staging);
    String metadata = ((HasTableOperations) table).operations().current().metadataFileLocation();
    catalog.dropTable(staging, true);
    if (table.io().newInputFile(metadata).exists()) {
      LOG.warn(
          "Dropped the staging table {}, but not its metadata files ({} is still there): if the"
              + " store refused to delete them, grant s3:DeleteObject on the warehouse prefix to the"
              + " role Logberg runs as (deploy/iam). Upkeep's orphan removal deletes them later.",
          staging,
          metadata);
    }
    removeEmptyLocalFolders(table.location());
  }

  /**
   * Dropping a table deletes its files, not the folders a local warehouse made for them (object
   * stores have none): without this, {@code watch} would leave two empty folders per run, 5,760 a
   * day at its default cadence. Folders that still hold anything stay.
   */
  private static void removeEmptyLocalFolders(String location) {
    Path table;
    if (location.startsWith("file:")) {
      table = Path.of(URI.create(location));
    } else if (location.startsWith("/")) {
      table = Path.of(location);
    } else {
      return;
    }
    for (Path folder : List.of(table.resolve("metadata"), table.resolve("data"), table)) {
      try {
        Files.deleteIfExists(folder);
      } catch (DirectoryNotEmptyException e) {
        LOG.debug("Keeping {}: not empty", folder);
      } catch (IOException e) {
        LOG.warn("Cannot remove the empty folder {} of a dropped staging table: {}", folder, e);
      }
    }
  }

  /**
   * Publishes into {@code target} what {@code staging} holds, unless that very set of files is
   * published already: what a caller runs before it records anything as landed, so that recording
   * follows from publication. {@link UpsertIntoIceberg} publishes when Managed's write reports its
   * snapshots; Beam's io-iceberg 2.67 reports none for a retried commit whose files were committed
   * already, and if that was the write's only commit nothing triggered the publication.
   *
   * @param target the target, opened {@link Publication#onBehalfOf} the run if it is fenced
   * @return rows published now: 0 when everything staged was published (or nothing was staged)
   */
  public static long publishStaged(Table target, Table staging, MergeKeys keys) {
    List<DataFile> files = StagedFiles.read(staging, target);
    if (files.isEmpty() || PublicationToken.find(target, tokenOf(staging, files)) != null) {
      return 0;
    }
    ResolutionPlan plan = ResolutionPlan.forStaging(target, staging, keys);
    MergeKeyResolver.Outcome outcome = MergeKeyResolver.resolvePlan(target, keys, plan);
    LOG.warn(
        "{} held {} files that no reported snapshot had published (Managed's write reported none);"
            + " published them now: {} rows added, {} superseded (snapshot {})",
        staging.name(),
        files.size(),
        outcome.addedRows(),
        outcome.deletedRows(),
        outcome.snapshotId());
    return outcome.addedRows();
  }

  /** The token of publishing {@code files}, the staged files of {@code staging}. */
  static String tokenOf(Table staging, List<DataFile> files) {
    return PublicationToken.of(staging.name(), files.stream().map(DataFile::location).toList());
  }

  /**
   * The staging tables of {@code target}, by run id: what a run drops for runs that died. The
   * catalog must list the target's namespace.
   */
  public static Map<String, TableIdentifier> list(Catalog catalog, TableIdentifier target) {
    String prefix = (target.name() + INFIX).toLowerCase(Locale.ROOT);
    Map<String, TableIdentifier> byRun = new TreeMap<>();
    for (TableIdentifier id : catalog.listTables(target.namespace())) {
      if (!id.name().toLowerCase(Locale.ROOT).startsWith(prefix)) {
        continue;
      }
      Map<String, String> properties;
      try {
        properties = catalog.loadTable(id).properties();
      } catch (NoSuchTableException e) {
        continue; // dropped since it was listed
      }
      String run = properties.get(RUN_ID);
      if (run != null && target.toString().equals(properties.get(STAGING_FOR))) {
        byRun.put(run, id);
      }
    }
    return byRun;
  }

  /** Whether files of one spec are files of the other: the same fields, in order. */
  static boolean samePartitioning(PartitionSpec a, PartitionSpec b) {
    if (a.fields().size() != b.fields().size()) {
      return false;
    }
    for (int i = 0; i < a.fields().size(); i++) {
      PartitionField x = a.fields().get(i);
      PartitionField y = b.fields().get(i);
      if (x.sourceId() != y.sourceId()
          || !x.transform().toString().equals(y.transform().toString())) {
        return false;
      }
    }
    return true;
  }

  /** Where the target keeps its data files, as Iceberg's location providers find it. */
  static String dataLocation(Table table) {
    String data = table.properties().get(TableProperties.WRITE_DATA_LOCATION);
    return data != null
        ? LocationUtil.stripTrailingSlash(data)
        : LocationUtil.stripTrailingSlash(table.location()) + "/data";
  }

  private static String sanitize(String runId) {
    String name = runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the run id must not be empty");
    }
    return name.length() <= MAX_RUN_ID_CHARS ? name : name.substring(0, MAX_RUN_ID_CHARS);
  }

  /**
   * The target's write settings (Parquet, metrics), so staged files are written as the target's
   * would be, plus what makes the table a staging table.
   */
  private static Map<String, String> properties(
      Table target, TableIdentifier targetId, String runId) {
    Map<String, String> properties = new HashMap<>();
    target
        .properties()
        .forEach(
            (key, value) -> {
              if (key.startsWith("write.")
                  && !key.equals(TableProperties.WRITE_METADATA_LOCATION)) {
                properties.put(key, value);
              }
            });
    properties.put(
        TableProperties.FORMAT_VERSION, String.valueOf(ResolutionCommitter.formatVersion(target)));
    properties.put(TableProperties.WRITE_DATA_LOCATION, dataLocation(target));
    properties.put(TableProperties.GC_ENABLED, "false");
    properties.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    properties.put(STAGING_FOR, targetId.toString());
    properties.put(RUN_ID, runId);
    return properties;
  }

  private static List<String> layoutProblems(Table target, Table staging) {
    List<String> problems = new ArrayList<>();
    if (!staging.schema().asStruct().equals(target.schema().asStruct())) {
      problems.add(
          "a new table gets the columns "
              + staging.schema().asStruct()
              + " where the target has "
              + target.schema().asStruct());
    }
    if (!samePartitioning(staging.spec(), target.spec())) {
      problems.add(
          "a new table is partitioned by "
              + staging.spec().fields()
              + " where the target is partitioned by "
              + target.spec().fields());
    }
    return problems;
  }
}

package dev.logberg.pipeline.storage;

import static org.apache.iceberg.types.Types.NestedField.required;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.logberg.upsert.CatalogSpec;
import dev.logberg.upsert.MergeKeyResolver;
import dev.logberg.upsert.MergeKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The upsert's delete commit on an S3 warehouse whose role has no ListBucket on the table's data
 * folder: S3 then answers a HEAD of a missing key with 403, not 404. Iceberg's S3FileIO talks to a
 * real S3 server (s3proxy); an SDK interceptor on its client turns those 404s into the 403s such a
 * policy gives.
 */
class LeastPrivilegeS3Test {
  private static final Schema SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get()),
          required(2, "value", Types.StringType.get()),
          required(3, "ts", Types.TimestampType.withZone()));
  private static final TableIdentifier TABLE = TableIdentifier.of("db", "t");

  /**
   * Where {@link NoListBucketOnDataS3FileIO} connects; catalogs build it by class name, so it is
   * static.
   */
  private static volatile URI endpoint;

  /** HEADs of missing keys under a data folder, answered 403. */
  private static final AtomicInteger FORBIDDEN_HEADS = new AtomicInteger();

  @TempDir Path dir;
  private LoopbackS3 s3;
  private Catalog catalog;

  @BeforeEach
  void start() {
    s3 = new LoopbackS3(dir.resolve("s3"));
    s3.createBucket("lake");
    endpoint = s3.endpoint();
    FORBIDDEN_HEADS.set(0);
    catalog =
        new CatalogSpec(
                "least_privilege",
                Map.of(
                    "type", "jdbc",
                    "uri", "jdbc:sqlite:" + dir.resolve("catalog.db"),
                    "jdbc.schema-version", "V1",
                    "warehouse", "s3://lake/warehouse",
                    "io-impl", NoListBucketOnDataS3FileIO.class.getName()))
            .load();
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("db"));
  }

  @AfterEach
  void stop() throws Exception {
    if (catalog instanceof AutoCloseable closeable) {
      closeable.close();
    }
    s3.close();
  }

  /**
   * v2 writes a position-delete file (Parquet); v3 a deletion vector, through Iceberg's
   * PuffinWriter, whose constructor calls OutputFile.create() and so a HEAD.
   */
  @ParameterizedTest(name = "format v{0}")
  @ValueSource(ints = {2, 3})
  void theDeleteCommitWritesItsFilesWithoutAskingWhetherTheyExist(int formatVersion) {
    Table table =
        catalog
            .buildTable(TABLE, SCHEMA)
            .withPartitionSpec(PartitionSpec.unpartitioned())
            .withProperty(TableProperties.FORMAT_VERSION, Integer.toString(formatVersion))
            .create();
    // The store refuses existence checks there, as the policy makes S3 do: OutputFile.create()
    // cannot work.
    S3Exception refused =
        assertThrows(
            S3Exception.class,
            () ->
                table
                    .io()
                    .newOutputFile(table.location() + "/data/probe.parquet")
                    .create()
                    .close());
    assertThat(refused.statusCode(), is(403));
    FORBIDDEN_HEADS.set(0);

    long appended = append(table, row("a", "old", 10), row("a", "new", 20), row("b", "only", 5));
    MergeKeyResolver.Outcome outcome =
        MergeKeyResolver.resolveAppends(
            table, MergeKeys.of("id").orderedBy("ts"), List.of(appended));

    assertThat(outcome.deletedRows(), is(1L));
    assertThat(live(table), is(Map.of("a", "new", "b", "only")));
    assertThat("no HEAD of a new key was refused", FORBIDDEN_HEADS.get(), is(0));
    // The commit's files are on S3: a position-delete file or deletion vector, and the empty data
    // file that comes with it.
    int deleteFiles = 0;
    int emptyDataFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().location().startsWith("s3://lake/warehouse/"), is(true));
        emptyDataFiles += task.file().recordCount() == 0 ? 1 : 0;
        for (var delete : task.deletes()) {
          assertThat(delete.content(), is(FileContent.POSITION_DELETES));
          assertThat(
              delete.format(), is(formatVersion == 3 ? FileFormat.PUFFIN : FileFormat.PARQUET));
          deleteFiles++;
        }
        assertThat(task.file().fileSizeInBytes(), greaterThan(0L));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(deleteFiles, is(1));
    assertThat(emptyDataFiles, is(1));
  }

  /**
   * Iceberg's S3FileIO on the loopback server, its client carrying the policy's answers.
   * Credentials come from the default chain (LoopbackS3 publishes its keys as system properties).
   */
  public static final class NoListBucketOnDataS3FileIO extends S3FileIO {
    private static final long serialVersionUID = 1L;

    public NoListBucketOnDataS3FileIO() {
      super(
          () ->
              S3Client.builder()
                  .endpointOverride(endpoint)
                  .forcePathStyle(true)
                  .region(Region.of(LoopbackS3.REGION))
                  .overrideConfiguration(o -> o.addExecutionInterceptor(new NoListBucketOnData()))
                  .build());
    }
  }

  /**
   * S3 without s3:ListBucket on a key's prefix answers 403 where it would say 404 (no such key).
   */
  private static final class NoListBucketOnData implements ExecutionInterceptor {
    @Override
    public SdkHttpResponse modifyHttpResponse(
        Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
      SdkHttpResponse response = context.httpResponse();
      if (context.httpRequest().method() == SdkHttpMethod.HEAD
          && response.statusCode() == 404
          && context.httpRequest().encodedPath().contains("/data/")) {
        FORBIDDEN_HEADS.incrementAndGet();
        return response.toBuilder().statusCode(403).statusText("Forbidden").build();
      }
      return response;
    }
  }

  private static Record row(String id, String value, long epochSecond) {
    Record r = GenericRecord.create(SCHEMA);
    r.setField("id", id);
    r.setField("value", value);
    r.setField("ts", OffsetDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    return r;
  }

  /** One Parquet file written by Iceberg's own writer, appended; returns the snapshot id. */
  private static long append(Table table, Record... rows) {
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    DataWriter<Record> writer =
        new GenericAppenderFactory(table.schema(), table.spec())
            .newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
    try (writer) {
      for (Record r : rows) {
        writer.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
    return table.currentSnapshot().snapshotId();
  }

  private static Map<String, String> live(Table table) {
    table.refresh();
    Map<String, String> rows = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        rows.put((String) r.getField("id"), (String) r.getField("value"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}

package dev.logberg.pipeline;

import dev.logberg.upsert.ResolvePlans;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Every option of a Logberg run. Checked by {@link OptionsValidator} before the pipeline is built,
 * so a wrong value fails at launch with a message naming the option.
 */
public interface LogbergOptions extends PipelineOptions {

  @Description(
      "Folders whose spark-* subfolders are Spark application log folders (one per application), comma-separated:"
          + " local paths or s3://bucket/prefix. Unset: testdata/spark-application-logs/spark-team-a, the checked-in"
          + " test data.")
  @Default.InstanceFactory(DefaultInput.class)
  List<String> getInput();

  void setInput(List<String> value);

  @Description(
      "Demo of the S3 path on a laptop: start an S3 server on loopback, upload the (local) --input folders to it,"
          + " and keep the warehouse and a sqlite catalog there. Overrides the input, warehouse and catalog options.")
  @Default.Boolean(false)
  boolean getLocalLake();

  void setLocalLake(boolean value);

  @Description("Folder that keeps the local lake's S3 objects and catalog between runs.")
  @Default.String("target/logberg/local-lake")
  String getLocalLakeDir();

  void setLocalLakeDir(String value);

  @Description(
      "AWS region of the S3 input; unset, the AWS default chain decides (AWS_REGION, profile, instance).")
  String getRegion();

  void setRegion(String value);

  @Description(
      "Endpoint of an S3-compatible store for s3:// input, e.g. http://127.0.0.1:9000; unset for AWS S3.")
  String getS3Endpoint();

  void setS3Endpoint(String value);

  @Description(
      "Path-style S3 addressing (http://host/bucket/key), which most S3-compatible stores need.")
  @Default.Boolean(false)
  boolean getS3PathStyleAccess();

  void setS3PathStyleAccess(boolean value);

  @Description(
      "Iceberg catalog type: glue (production: warehouse on S3, region), rest, jdbc or hadoop.")
  @Default.String("jdbc")
  String getCatalogType();

  void setCatalogType(String value);

  @Description(
      "Iceberg catalog name; readers of the tables must use the same name with a jdbc catalog.")
  @Default.String("logberg")
  String getCatalogName();

  void setCatalogName(String value);

  @Description(
      "Catalog URI: a JDBC URL for jdbc (the default is a sqlite file beside the warehouse),"
          + " the server URL for rest. Not used by hadoop.")
  String getCatalogUri();

  void setCatalogUri(String value);

  @Description(
      "Glue catalog id (the AWS account id owning the Data Catalog) when it is not the caller's account.")
  String getGlueCatalogId();

  void setGlueCatalogId(String value);

  @Description("Glue endpoint override (a VPC endpoint, or a stub in tests).")
  String getGlueEndpoint();

  void setGlueEndpoint(String value);

  @Description(
      "Warehouse location for new tables' data and metadata: a local folder or s3://bucket/prefix.")
  @Default.String("target/logberg/warehouse")
  String getWarehouse();

  void setWarehouse(String value);

  @Description(
      "Extra Iceberg catalog properties as key=value, comma-separated (e.g. jdbc.user=logberg)."
          + " They override the properties derived from the options above.")
  List<String> getCatalogProperties();

  void setCatalogProperties(List<String> value);

  @Description("Namespace (database) of the three tables.")
  @Default.String("logs")
  String getDatabase();

  void setDatabase(String value);

  @Description(
      "Name of the data table. The metadata and rejects tables are named <table>_processing_metadata and"
          + " <table>_rejects.")
  @Default.String("spark_logs")
  String getTable();

  void setTable(String value);

  @Description(
      "Partitioning of a new data table: comma-separated transforms of its columns, e.g. day(timestamp),"
          + " hour(timestamp), spark_app_selector, bucket(16,event_id); or none. An existing table keeps its spec.")
  @Default.String("day(timestamp)")
  String getPartitionBy();

  void setPartitionBy(String value);

  @Description(
      "An application whose runs failed this many times is skipped (and reported) until reprocessed.")
  @Default.Integer(3)
  int getMaxAttempts();

  void setMaxAttempts(int value);

  @Description(
      "Minutes after which an application still marked PROCESSING is taken over: the run that marked it died.")
  @Default.Integer(120)
  int getLeaseMinutes();

  void setLeaseMinutes(int value);

  @Description("Application ids (spark-...) to process whatever their status, comma-separated.")
  List<String> getReprocess();

  void setReprocess(List<String> value);

  @Description("Process every application found, whatever its status.")
  @Default.Boolean(false)
  boolean getReprocessAll();

  void setReprocessAll(boolean value);

  @Description(
      "After a run, run upkeep (compaction, snapshot expiry, orphan removal; docs/UPKEEP.md) on each table where it"
          + " is due: at least 10 delete files, 20 small or empty data files, or snapshots older than 7 days beyond"
          + " the last 10.")
  @Default.Boolean(false)
  boolean getUpkeepAfterRun();

  void setUpkeepAfterRun(boolean value);

  @Description(
      "Merge-key resolutions that read at most this many rows run inside one worker; larger ones are distributed by"
          + " key (GroupByKey). 0 always distributes.")
  @Default.Long(ResolvePlans.DEFAULT_IN_PROCESS_MAX_ROWS)
  long getResolveInProcessMaxRows();

  void setResolveInProcessMaxRows(long value);

  @Description(
      "Lines longer than this many bytes are rejected as LINE_TOO_LONG (their first bytes are kept).")
  @Default.Integer(8 * 1024 * 1024)
  int getMaxLineBytes();

  void setMaxLineBytes(int value);

  @Description(
      "Files are packed into this many groups of about equal bytes, each read by one worker: the read parallelism."
          + " 0 makes one group per 64 MiB of input. On the DirectRunner, which keeps a few chunks of every group in"
          + " memory at once, fewer groups mean less memory.")
  @Default.Integer(0)
  int getReadGroups();

  void setReadGroups(int value);

  @Description("Seconds between live progress lines while the job runs; 0 turns them off.")
  @Default.Integer(5)
  int getProgressSeconds();

  void setProgressSeconds(int value);

  /** The embedded default input: the checked-in test data, so a first run needs no setup. */
  final class DefaultInput implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return List.of("testdata/spark-application-logs/spark-team-a");
    }
  }
}

package dev.logberg.pipeline;

import dev.logberg.upsert.UpsertIntoIceberg;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Every option of a Logberg run, each declared once on its getter: help ({@code @Description}),
 * default ({@code @Default}) and everything else ({@link Param}: label, format, example, whether a
 * launched job requires it). Checked by {@link OptionsValidator} before the pipeline is built, so a
 * wrong value fails at launch with a message naming the option; never changed after parsing ({@link
 * RunConfig} holds what a run derives from them).
 */
public interface LogbergOptions extends PipelineOptions {

  @Param(
      label = "Input folders",
      regex = Formats.LOCATION,
      mismatch = "'%s' is not a local folder or s3://bucket/prefix",
      example = "s3://my-logs/spark-application-logs/team-a",
      required = true)
  @Description(
      "Folders whose spark-* subfolders are Spark application log folders (one per application), comma-separated:"
          + " local paths or s3://bucket/prefix. Unset: testdata/spark-application-logs/spark-team-a, the checked-in"
          + " test data.")
  @Default.InstanceFactory(DefaultInput.class)
  List<String> getInput();

  void setInput(List<String> value);

  @Param(example = "true", launchable = false)
  @Description(
      "Demo of the S3 path on a laptop: start an S3 server on loopback, upload the (local) --input folders to it,"
          + " and keep the warehouse and a sqlite catalog there. Overrides the input, warehouse and catalog options.")
  @Default.Boolean(false)
  boolean getLocalLake();

  void setLocalLake(boolean value);

  @Param(example = "true", launchable = false)
  @Description(
      "Print every log event on the console (standard error). Without it an interactive command line prints its"
          + " progress, its summary and any failure, and writes the log events to a file whose path it prints; without a"
          + " console (a pod, a pipe) they go to standard error anyway.")
  @Default.Boolean(false)
  boolean getVerbose();

  void setVerbose(boolean value);

  @Param(example = "/tmp/local-lake", launchable = false)
  @Description("Folder that keeps the local lake's S3 objects and catalog between runs.")
  @Default.String("target/logberg/local-lake")
  String getLocalLakeDir();

  void setLocalLakeDir(String value);

  @Param(
      label = "AWS region",
      regex = "[a-z]{2}(-[a-z]+)+-[0-9]",
      mismatch = "'%s' is not an AWS region like eu-west-1",
      example = "eu-west-1")
  @Description(
      "AWS region of the S3 input; unset, the AWS default chain decides (AWS_REGION, profile, instance).")
  String getRegion();

  void setRegion(String value);

  @Param(regex = Formats.URL, mismatch = Formats.NOT_A_URL, example = "http://127.0.0.1:9000")
  @Description(
      "Endpoint of an S3-compatible store for s3:// input, e.g. http://127.0.0.1:9000; unset for AWS S3.")
  String getS3Endpoint();

  void setS3Endpoint(String value);

  @Param(example = "true")
  @Description(
      "Path-style S3 addressing (http://host/bucket/key), which most S3-compatible stores need.")
  @Default.Boolean(false)
  boolean getS3PathStyleAccess();

  void setS3PathStyleAccess(boolean value);

  @Param(regex = "glue|rest|jdbc|hadoop", mismatch = "unknown catalog type '%s'", example = "glue")
  @Description(
      "Iceberg catalog type: glue (production: warehouse on S3, region), rest, jdbc or hadoop.")
  @Default.String("jdbc")
  String getCatalogType();

  void setCatalogType(String value);

  @Param(regex = Formats.IDENTIFIER, mismatch = Formats.NOT_AN_IDENTIFIER, example = "logberg")
  @Description(
      "Iceberg catalog name; readers of the tables must use the same name with a jdbc catalog.")
  @Default.String("logberg")
  String getCatalogName();

  void setCatalogName(String value);

  @Param(
      regex = "(jdbc:|https?://)[^\\s]+",
      mismatch = "'%s' is not a JDBC URL (jdbc:...) or an http(s) URL",
      example = "jdbc:postgresql://db:5432/iceberg")
  @Description(
      "Catalog URI: a JDBC URL for jdbc (the default is a sqlite file beside the warehouse),"
          + " the server URL for rest. Not used by hadoop.")
  String getCatalogUri();

  void setCatalogUri(String value);

  @Param(
      label = "Glue catalog ID (AWS account)",
      regex = "[0-9]{12}",
      mismatch = "'%s' is not an AWS account id (12 digits)",
      example = "123456789012")
  @Description(
      "Glue catalog id (the AWS account id owning the Data Catalog) when it is not the caller's account.")
  String getGlueCatalogId();

  void setGlueCatalogId(String value);

  @Param(
      regex = Formats.URL,
      mismatch = Formats.NOT_A_URL,
      example = "https://glue.eu-west-1.amazonaws.com")
  @Description("Glue endpoint override (a VPC endpoint, or a stub in tests).")
  String getGlueEndpoint();

  void setGlueEndpoint(String value);

  @Param(
      regex = Formats.LOCATION,
      mismatch = "'%s' is not a local folder or s3://bucket/prefix",
      example = "s3://my-lake/warehouse",
      required = true)
  @Description(
      "Warehouse location for new tables' data and metadata: a local folder or s3://bucket/prefix.")
  @Default.String("target/logberg/warehouse")
  String getWarehouse();

  void setWarehouse(String value);

  // Values are free text (Iceberg properties); keys are not, and ',' separates the pairs.
  @Param(
      regex = "[^=,\\s]+=[^,]*",
      mismatch = "'%s' is not key=value",
      example = "jdbc.user=logberg")
  @Description(
      "Extra Iceberg catalog properties as key=value, comma-separated (e.g. jdbc.user=logberg)."
          + " They override the properties derived from the options above.")
  List<String> getCatalogProperties();

  void setCatalogProperties(List<String> value);

  @Param(regex = Formats.IDENTIFIER, mismatch = Formats.NOT_AN_IDENTIFIER, example = "logs")
  @Description("Namespace (database) of the four tables.")
  @Default.String("logs")
  String getDatabase();

  void setDatabase(String value);

  @Param(
      label = "Data table",
      regex = Formats.IDENTIFIER,
      mismatch = Formats.NOT_AN_IDENTIFIER,
      example = "spark_logs")
  @Description(
      "Name of the data table. The metadata, rejects and files tables are named"
          + " <table>_processing_metadata, <table>_rejects and <table>_files.")
  @Default.String("spark_logs")
  String getTable();

  void setTable(String value);

  @Param(
      regex = "[A-Za-z0-9_(), ]+",
      mismatch = "'%s' is not a list of partition transforms",
      example = "hour(timestamp),spark_app_selector")
  @Description(
      "Partitioning of a new data table: comma-separated transforms of its columns, e.g. day(timestamp),"
          + " hour(timestamp), spark_app_selector, bucket(16,event_id); or none. An existing table keeps its spec.")
  @Default.String("day(timestamp)")
  String getPartitionBy();

  void setPartitionBy(String value);

  @Param(example = "5")
  @Description(
      "An application whose runs failed this many times is skipped (and reported) until reprocessed.")
  @Default.Integer(3)
  int getMaxAttempts();

  void setMaxAttempts(int value);

  @Param(example = "5000")
  @Description(
      "Most applications one run processes (0: all). A first run over a large bucket then lands it in"
          + " bounded slices, in application id order; the summary counts the rest as SKIP_DEFERRED,"
          + " left for the next runs.")
  @Default.Integer(0)
  int getMaxApplications();

  void setMaxApplications(int value);

  @Param(
      regex = "[0-9]{1,12}(KB|MB|GB|TB)?",
      mismatch = "'%s' is not a size such as 500MB or 20GB",
      example = "20GB")
  @Description(
      "Most bytes one run processes (0: no limit), counted by application folder in application id"
          + " order (at least one application, however large): a first run over a large bucket"
          + " lands it in slices of about this size. The rest count as SKIP_DEFERRED, as with"
          + " --maxApplications; given both, a run stops at the first limit reached.")
  @Default.String("0")
  String getMaxBytes();

  void setMaxBytes(String value);

  @Param(example = "5")
  @Description(
      "Seconds between a run's heartbeats while it holds claims. A claim whose run stopped beating for"
          + " three intervals is taken over: a crashed run blocks its applications for about"
          + " 30 s, not hours.")
  @Default.Integer(10)
  int getHeartbeatSeconds();

  void setHeartbeatSeconds(int value);

  @Param(
      label = "Applications to reprocess",
      regex = "spark-[A-Za-z0-9_-]+",
      mismatch = "'%s' is not an application id (spark-...)",
      example = "spark-4fb38540902b277b77066159fd92e498")
  @Description("Application ids (spark-...) to process whatever their status, comma-separated.")
  List<String> getReprocess();

  void setReprocess(List<String> value);

  @Param(example = "true")
  @Description("Process every application found, whatever its status.")
  @Default.Boolean(false)
  boolean getReprocessAll();

  void setReprocessAll(boolean value);

  @Param(example = "true")
  @Description(
      "After a run, run upkeep (compaction, snapshot expiry, orphan removal; docs/UPKEEP.md) on each table where it"
          + " is due: at least 10 delete files, 20 small or empty data files, or snapshots older than 7 days beyond"
          + " the last 10.")
  @Default.Boolean(false)
  boolean getUpkeepAfterRun();

  void setUpkeepAfterRun(boolean value);

  @Param(label = "In-process resolution limit (rows)", example = "500000")
  @Description(
      "A batch that added at most this many rows to a table has its merge keys resolved inside one worker;"
          + " a larger one is distributed by key (GroupByKey). 0 always distributes.")
  @Default.Long(UpsertIntoIceberg.DEFAULT_IN_PROCESS_MAX_ROWS)
  long getResolveInProcessMaxRows();

  void setResolveInProcessMaxRows(long value);

  @Param(example = "1048576")
  @Description(
      "Lines longer than this many bytes are rejected as LINE_TOO_LONG (their first bytes are kept).")
  @Default.Integer(8 * 1024 * 1024)
  int getMaxLineBytes();

  void setMaxLineBytes(int value);

  @Param(example = "4")
  @Description(
      "Files are packed into this many groups of about equal bytes, each read by one worker: the read parallelism."
          + " 0 makes one group per 64 MiB of input on the DirectRunner, which keeps a few chunks of every group in"
          + " memory at once, and one per 2 MiB elsewhere, so that the runner's random placement of groups on"
          + " workers evens out.")
  @Default.Integer(0)
  int getReadGroups();

  void setReadGroups(int value);

  @Param(example = "0")
  @Description("Seconds between live progress lines while the job runs; 0 turns them off.")
  @Default.Integer(5)
  int getProgressSeconds();

  void setProgressSeconds(int value);

  /**
   * Formats several options share. A list option's regex is of one element: Beam splits the value
   * at ',', so no element regex accepts one.
   */
  final class Formats {
    static final String S3_LOCATION = "s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^,]*)?";

    /** A local path: no ',' (the list separator), no ':' (a URL scheme), no control characters. */
    static final String LOCAL_PATH = "[^,:\\x00-\\x1f]+";

    static final String FILE_URL = "file:[^,\\x00-\\x1f]+";

    /** Where input and warehouse can be: S3, a file: URL, or a local path. */
    static final String LOCATION = S3_LOCATION + "|" + FILE_URL + "|" + LOCAL_PATH;

    static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
    static final String NOT_AN_IDENTIFIER = "'%s' is not a plain identifier (letters, digits, _)";
    static final String URL = "https?://[^\\s,/]+(/[^\\s,]*)?";
    static final String NOT_A_URL = "'%s' is not a URL like http://host:port";

    private Formats() {}
  }

  /** The embedded default input: the checked-in test data, so a first run needs no setup. */
  final class DefaultInput implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return List.of("testdata/spark-application-logs/spark-team-a");
    }
  }
}

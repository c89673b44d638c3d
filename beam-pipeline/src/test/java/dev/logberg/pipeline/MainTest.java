package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.logberg.pipeline.read.FileGroups;
import dev.logberg.pipeline.status.DecisionPolicy;
import dev.logberg.pipeline.storage.S3Settings;
import dev.logberg.pipeline.tables.CatalogSpecs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private record Result(int code, String output) {}

  private static Result main(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsCommandsAndEveryOptionWithItsDescriptionAndDefault() {
    Result help = main("--help");
    assertThat(help.code(), is(Main.OK));
    assertThat(
        help.output(),
        allOf(
            containsString("Usage: logberg [run|watch|verify|dump|upkeep|logs|apps]"),
            containsString("--input"),
            containsString("spark-* subfolders"),
            containsString("--maxAttempts"),
            containsString("Default: 3"),
            containsString("--partitionBy"),
            containsString("--reprocessAll"),
            containsString("--catalogProperties"),
            // From each getter's @Param: its example, and whether a launched job requires it.
            containsString("Example: --input=s3://my-logs/spark-application-logs/team-a"),
            containsString("Example: --glueCatalogId=123456789012"),
            containsString("Required in a launched job"),
            containsString("Default: testdata/spark-application-logs/spark-team-a"),
            containsString("A batch that added at most this many rows")));
    assertThat(help.output(), not(containsString("read at most this many rows")));
  }

  /**
   * A launched run's id starts with its resource name and is new per process; the unique end
   * survives the 40 characters a staging table's name keeps of it.
   */
  @Test
  void everyRunGetsAnIdOfItsOwnWithinFortyCharacters() {
    String name = "logberg-team-a-hourly-with-a-long-name-of-45";
    String first = RunCommand.runId(name);
    String second = RunCommand.runId(name);
    assertThat(first, not(is(second)));
    assertThat(first.length() <= 40, is(true));
    assertThat(first.matches("logberg-team-a-hou-\\d{8}-\\d{6}-[0-9a-f]{5}"), is(true));
    assertThat(RunCommand.runId("Team A").matches("team-a-\\d{8}-\\d{6}-[0-9a-f]{5}"), is(true));
  }

  @Test
  void badOptionsExitWithCodeTwoAndNameTheOption() {
    Result bad = main("--maxAttempts=0", "--input=/no/such/folder");
    assertThat(bad.code(), is(Main.BAD_OPTIONS));
    assertThat(
        bad.output(),
        allOf(
            containsString("--maxAttempts must be at least 1"),
            containsString("--input: folder /no/such/folder does not exist"),
            containsString("--help")));
  }

  @Test
  void unknownOptionOrCommandIsRejected() {
    assertThat(main("--maxAtempts=2").code(), is(Main.BAD_OPTIONS));
    Result unknown = main("vrify");
    assertThat(unknown.code(), is(Main.BAD_OPTIONS));
    assertThat(unknown.output(), containsString("Unknown command 'vrify'"));
  }

  /** The job runs on a thread of its own, so progress lines come while it runs. */
  @Test
  void progressLinesComeBeforeTheSummaryAndNoneWithZero(@TempDir Path dir) {
    String input = "--input=" + EndToEndTest.TREE;
    Result watched = main(input, "--warehouse=" + dir.resolve("a"), "--progressSeconds=1");
    assertThat(watched.output(), watched.code(), is(Main.OK));
    int summary = watched.output().indexOf("finished in");
    int progress = watched.output().indexOf("progress: ");
    assertThat(watched.output(), progress >= 0 && progress < summary, is(true));

    Result quiet = main(input, "--warehouse=" + dir.resolve("b"), "--progressSeconds=0");
    assertThat(quiet.output(), quiet.code(), is(Main.OK));
    assertThat(quiet.output(), not(containsString("progress: ")));
  }

  @Test
  void runnerDefaultsApplyOnlyWhereTheUserSetNothing() {
    String[] args =
        Main.withDefaults(
            new String[] {"run", "--runner=SparkRunner", "--parallelism", "4"},
            "--runner=FlinkRunner",
            "--parallelism=2",
            "--reIterableGroupByKeyResult=true");
    assertThat(
        List.of(args),
        is(
            List.of(
                "run",
                "--runner=SparkRunner",
                "--parallelism",
                "4",
                "--reIterableGroupByKeyResult=true")));
  }

  /**
   * What Beam needs (the job name, its S3 filesystem's endpoint) goes into a fresh PipelineOptions
   * derived from the run configuration; the user's parsed options stay as parsed.
   */
  @Test
  void beamOptionsAreDerivedWithoutChangingTheParsedOptions(@TempDir Path dir) {
    String[] args = {"--input=" + dir, "--warehouse=" + dir.resolve("w")};
    LogbergOptions parsed = PipelineOptionsFactory.fromArgs(args).as(LogbergOptions.class);
    String parsedJobName = parsed.getJobName();
    RunConfig config =
        new RunConfig(
            List.of("s3://spark-logs/team-a/"),
            "s3://lake/warehouse",
            CatalogSpecs.fromOptions(parsed),
            RunConfig.tablesOf(parsed),
            parsed.getPartitionBy(),
            new DecisionPolicy(3, false, Set.of()),
            new S3Settings(URI.create("http://127.0.0.1:9000"), "us-east-1", true),
            0,
            1024,
            0,
            FileGroups.SPREAD_GROUP_BYTES,
            0,
            10,
            false,
            false,
            RunContext.startingNow("logberg-test-run"));

    PipelineOptions beam = RunCommand.beamOptions(args, config);

    assertThat(beam.getJobName(), is("logberg-test-run"));
    S3Options s3 = beam.as(S3Options.class);
    assertThat(s3.getEndpoint(), is(URI.create("http://127.0.0.1:9000")));
    assertThat(s3.getAwsRegion().id(), is("us-east-1"));
    assertThat(parsed.getJobName(), is(parsedJobName));
    assertThat(
        parsed.as(org.apache.beam.sdk.io.aws2.options.S3Options.class).getEndpoint(),
        org.hamcrest.Matchers.nullValue());
    assertThat(beam.as(LogbergOptions.class).getInput(), is(List.of(dir.toString())));
  }
}

package dev.logberg.pipeline.storage;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import dev.logberg.pipeline.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo mode from the command line: the test tree through S3 on loopback, twice. */
class LocalLakeTest {
  private static final Path TREE =
      Path.of(System.getProperty("logberg.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("testdata/spark-application-logs/spark-team-a");

  @TempDir Path dir;

  private String run() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "--localLake",
              "--localLakeDir=" + dir,
              "--input=" + TREE,
              "--database=locallake",
              "--progressSeconds=0"
            },
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(output, code, is(Main.OK));
    return output;
  }

  @Test
  void landsTheTestTreeThroughS3AndARerunSkipsIt() {
    // The summary is read back through the S3 warehouse while the server runs.
    assertThat(
        run(),
        allOf(
            containsString("{PROCESS_NEW=5}"),
            containsString("Table locallake.spark_logs: 4,311 records"),
            containsString("applications by status {SUCCESS=5}")));
    assertThat(Files.isDirectory(dir.resolve("s3").resolve("lake")), is(true));
    assertThat(
        run(),
        allOf(
            containsString("{SKIP_DONE=5}"),
            containsString("Table locallake.spark_logs: 4,311 records")));
  }
}

package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.report.CanonicalTables;
import dev.logberg.pipeline.tables.CatalogSpecs;
import dev.logberg.pipeline.tables.LogbergTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template launches through the launcher jar to direct, flink-local and spark-local land the
 * checked-in test data exactly as a plain run of the direct runner jar does: the three tables'
 * canonical dumps are equal. Each run is its own JVM, into its own warehouse, over one copy of the
 * test data (the metadata table records the input path). A missing jar fails the tests: they are
 * the proof that the launch works.
 */
class TemplateLaunchIT {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateLaunchIT.class);
  private static final Path ROOT = Launched.ROOT;
  private static final Path LAUNCH_JAR =
      Path.of(
          System.getProperty(
              "logberg.launchJar",
              ROOT.resolve("runners/launch/target/logberg-launch.jar").toString()));
  private static final long RUN_TIMEOUT_MINUTES = 5;

  @TempDir static Path work;
  private static Path input;
  private static List<String> plainTables;

  /**
   * One run at a time: together on two cores they took as long as one after the other, and other
   * builds share the machine.
   */
  @BeforeAll
  static void plainRun() throws Exception {
    requireJar(LAUNCH_JAR, "runners/launch");
    for (String runner : List.of("direct", "flink", "spark")) {
      requireJar(
          ROOT.resolve("runners/" + runner + "/target/logberg-" + runner + ".jar"),
          "runners/" + runner);
    }
    Path logs = work.resolve("logs");
    copyTree(ROOT.resolve("testdata/spark-application-logs"), logs);
    input = logs.resolve("spark-team-a");

    Path warehouse = work.resolve("plain/warehouse");
    run(
        "plain",
        List.of(
            java(),
            "-jar",
            ROOT.resolve("runners/direct/target/logberg-direct.jar").toString(),
            "run",
            "--input=" + input,
            "--warehouse=" + warehouse));
    plainTables = dump(warehouse);
    // Five applications, their rows and rejects: equal empty tables would prove nothing.
    assertThat(plainTables.size(), greaterThan(4000));
  }

  /**
   * Also a real fork's check of values: a hostile one reaches the runner as one argument, and no
   * shell runs it.
   */
  @Test
  void directLaunchLandsTheSameTables() throws Exception {
    Path marker = work.resolve("MARKER");
    String note =
        "logberg.note=it's \"$(touch " + marker + ")\" `touch " + marker + "` {a: 1} # --- : x";
    assertThat(
        dump(launch("direct", "--param", "catalogProperties=" + note)), equalTo(plainTables));
    assertThat("the value was not run by any shell", Files.exists(marker), is(false));
  }

  @Test
  void flinkLocalLaunchLandsTheSameTables() throws Exception {
    assertThat(dump(launch("flink-local")), equalTo(plainTables));
  }

  @Test
  void sparkLocalLaunchLandsTheSameTables() throws Exception {
    assertThat(dump(launch("spark-local")), equalTo(plainTables));
  }

  /** The shaded jar alone (no Beam in it) renders a manifest that parses. */
  @Test
  void launcherJarRendersAManifest() throws Exception {
    Path manifest = work.resolve("flink.yaml");
    run(
        "render",
        List.of(
            java(),
            "-jar",
            LAUNCH_JAR.toString(),
            "launch",
            "--template",
            template(),
            "--target",
            "flink-k8s",
            "--jobName",
            "logberg-it",
            "--image",
            "registry.example.com/logberg-flink:1.0",
            "--param",
            "input=s3://logs/team-a",
            "--param",
            "warehouse=s3://lake/warehouse",
            "--output",
            manifest.toString()));
    Map<String, Object> parsed =
        ManifestsTest.yaml().load(Files.readString(manifest, StandardCharsets.UTF_8));
    assertThat(
        ManifestsTest.at(parsed, "spec", "job", "entryClass"),
        equalTo(Manifests.FLINK_ENTRY_CLASS));
  }

  private static Path launch(String target, String... more) throws Exception {
    Path warehouse = work.resolve(target + "/warehouse");
    List<String> command =
        new ArrayList<>(
            List.of(
                java(),
                "-jar",
                LAUNCH_JAR.toString(),
                "launch",
                "--template",
                template(),
                "--target",
                target,
                "--param",
                "input=" + input,
                "--param",
                "warehouse=" + warehouse));
    command.addAll(List.of(more));
    run(target, command);
    return warehouse;
  }

  private static String template() {
    return ROOT.resolve(Launcher.TEMPLATE_FILE).toString();
  }

  /**
   * Runs a command (an argument list) to its end; its output goes to a log file, shown when it
   * fails.
   */
  private static void run(String name, List<String> command) throws Exception {
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log(name).toFile())
            .start();
    if (!process.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(
          name
              + " did not end within "
              + RUN_TIMEOUT_MINUTES
              + " minutes; its output:\n"
              + tail(log(name)));
    }
    LOG.info(
        "{} ended with exit code {} in {} s",
        name,
        process.exitValue(),
        (System.nanoTime() - started) / 1_000_000_000);
    assertThat(name + " exit code; its output:\n" + tail(log(name)), process.exitValue(), is(0));
  }

  private static Path log(String name) {
    return work.resolve(name + ".log");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> dump(Path warehouse) {
    LogbergOptions options =
        PipelineOptionsFactory.fromArgs("--warehouse=" + warehouse).as(LogbergOptions.class);
    return CanonicalTables.dump(
        CatalogSpecs.fromOptions(options),
        new LogbergTables(options.getDatabase(), options.getTable()));
  }

  private static void requireJar(Path jar, String module) {
    assertTrue(
        Files.isRegularFile(jar),
        jar
            + " is missing: build it first (mvn -B -pl "
            + module
            + " -am package -DskipTests, or mvn -B verify, which builds the runner modules before this one)");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}

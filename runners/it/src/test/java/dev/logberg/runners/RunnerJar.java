package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One runner's shaded jar, run the way a user runs it: {@code java -jar} in a JVM of its own. */
enum RunnerJar {
  DIRECT("direct"),
  FLINK("flink", "--flinkMaster=[local]", "--parallelism=2"),
  SPARK("spark", "--sparkMaster=local[2]");

  static final Path REPO = Path.of(System.getProperty("logberg.repo", "../..")).toAbsolutePath().normalize();

  private final String name;
  private final List<String> localOptions;

  RunnerJar(String name, String... localOptions) {
    this.name = name;
    this.localOptions = List.of(localOptions);
  }

  /** What one run printed (stdout; stderr goes to a log file beside it) and returned. */
  record Run(int exitCode, String output) {}

  Path jar() {
    Path jar = REPO.resolve("runners").resolve(name).resolve("target").resolve("logberg-" + name + ".jar");
    assertThat(jar + " is missing: build it with `mvn -B package -DskipTests -pl runners/" + name + " -am`",
        Files.isRegularFile(jar), is(true));
    return jar;
  }

  /** Runs {@code command} with the runner's local options (local mini-cluster, local[2]) and {@code args}. */
  Run run(Path logs, String command, List<String> args) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-jar", jar().toString(), command));
    line.addAll(localOptions);
    line.addAll(args);
    Files.createDirectories(logs);
    String stem = name + "-" + command + "-" + System.nanoTime();
    Path out = logs.resolve(stem + ".out");
    Process process = new ProcessBuilder(line)
        .redirectOutput(out.toFile())
        .redirectError(logs.resolve(stem + ".err").toFile())
        .start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(name + " " + command + " did not end in 10 minutes; see " + out);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    System.out.printf("--- %s %s: exit %d%n%s%n", name, command, process.exitValue(), output);
    return new Run(process.exitValue(), output);
  }

  @Override
  public String toString() {
    return name;
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** One runner's shaded jar, run the way a user runs it, in a JVM of its own. */
enum RunnerJar {
  DIRECT("direct"),
  FLINK("flink", "--flinkMaster=[local]", "--parallelism=2"),
  SPARK("spark", "--sparkMaster=local[2]"),
  /**
   * The Spark jar under spark-submit with a Spark distribution's jars first, as in the image of
   * deploy/spark.
   */
  SPARK_SUBMIT("spark") {
    @Override
    List<String> launch() throws IOException {
      Path classpath = REPO.resolve("runners/spark-distribution/target/classpath.txt");
      assertThat(
          classpath + " is missing: build it with `mvn -B package -pl runners/spark-distribution`",
          Files.isRegularFile(classpath),
          is(true));
      List<String> line =
          new ArrayList<>(Arrays.asList(System.getProperty("logberg.jvm.opens", "").split(" ")));
      line.addAll(
          List.of(
              "-cp",
              Files.readString(classpath).trim(),
              "org.apache.spark.deploy.SparkSubmit",
              "--master",
              "local[2]",
              "--class",
              "dev.logberg.runners.spark.LogbergSpark",
              jar().toString()));
      return line;
    }
  };

  static final Path REPO =
      Path.of(System.getProperty("logberg.repo", "../..")).toAbsolutePath().normalize();

  private final String module;
  private final List<String> localOptions;

  RunnerJar(String module, String... localOptions) {
    this.module = module;
    this.localOptions = List.of(localOptions);
  }

  /** What one run printed (stdout; stderr goes to a log file beside it) and returned. */
  record Run(int exitCode, String output) {}

  Path jar() {
    Path jar =
        REPO.resolve("runners")
            .resolve(module)
            .resolve("target")
            .resolve("logberg-" + module + ".jar");
    assertThat(
        jar
            + " is missing: build it with `mvn -B package -DskipTests -pl runners/"
            + module
            + " -am`",
        Files.isRegularFile(jar),
        is(true));
    return jar;
  }

  /** The JVM arguments that start the jar's entry point. */
  List<String> launch() throws IOException {
    return List.of("-jar", jar().toString());
  }

  /**
   * Runs {@code command} with the runner's local options (local mini-cluster, local[2]) and {@code
   * args}.
   */
  Run run(Path logs, String command, List<String> args) throws IOException, InterruptedException {
    return start(logs, List.of(), command, args).finish();
  }

  /** A started run of the jar, in a JVM of its own. */
  record Started(RunnerJar jar, String command, Process process, Path out) {
    /** What the run printed so far. */
    String output() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Waits until the run printed {@code text} (5 minutes at most), failing if it ends first. */
    void awaitOutput(String text) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!output().contains(text)) {
        if (!process.isAlive()) {
          throw new AssertionError("the run ended before printing '" + text + "':\n" + output());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no '" + text + "' in 5 minutes:\n" + output());
        }
        Thread.sleep(100);
      }
    }

    /** Waits for the run to end (10 minutes at most) and returns what it printed. */
    Run finish() throws IOException, InterruptedException {
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        // The temporary folder goes with the test: keep what a hang needs in the failure itself.
        String threads = threadDump(process.pid());
        process.destroyForcibly();
        throw new AssertionError(
            jar + " " + command + " did not end in 10 minutes. Its threads:\n" + threads);
      }
      String output = output();
      System.out.printf("--- %s %s: exit %d%n%s%n", jar, command, process.exitValue(), output);
      return new Run(process.exitValue(), output);
    }
  }

  private static String threadDump(long pid) throws IOException, InterruptedException {
    return jcmd(pid, "Thread.print");
  }

  /** What the JDK's {@code jcmd} answers for the JVM {@code pid}. */
  static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> line =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
    line.addAll(Arrays.asList(command));
    Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
    String answer = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor(1, TimeUnit.MINUTES);
    return answer;
  }

  /**
   * Starts {@code command} like {@link #run}, with {@code jvmArgs} (e.g. system properties) before
   * the jar.
   */
  Started start(Path logs, List<String> jvmArgs, String command, List<String> args)
      throws IOException {
    List<String> line = TestJvm.java("-Xmx2g");
    line.addAll(jvmArgs);
    line.addAll(launch());
    line.add(command);
    line.addAll(localOptions);
    line.addAll(args);
    return start(line, command, logs);
  }

  /**
   * Starts the command {@code line}, which runs this jar's {@code command}, with its output in
   * {@code logs}.
   */
  Started start(List<String> line, String command, Path logs) throws IOException {
    Files.createDirectories(logs);
    String stem = name().toLowerCase(Locale.ROOT) + "-" + command + "-" + System.nanoTime();
    Path out = logs.resolve(stem + ".out");
    Process process =
        new ProcessBuilder(line)
            .redirectOutput(out.toFile())
            .redirectError(logs.resolve(stem + ".err").toFile())
            .start();
    return new Started(this, command, process, out);
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on loopback: a {@code Master} and {@code Worker}s, each a JVM of its
 * own on the class path of runners/spark-distribution (what the image's {@code /opt/spark/jars}
 * holds), with an empty {@code $SPARK_HOME/jars} so that the workers' launch commands take {@code
 * SPARK_DIST_CLASSPATH}. {@link #submit} runs a rendered SparkApplication through {@code
 * spark-submit --deploy-mode cluster}: a worker starts the driver ({@code DriverWrapper}) in a JVM
 * of its own, and executors on the workers, so tasks, shuffles and results all cross processes.
 */
final class SparkStandalone implements AutoCloseable {
  private static final Path CLASSPATH =
      RunnerJar.REPO.resolve("runners/spark-distribution/target/classpath.txt");
  private static final String IMAGE_JAR_DIR = "local:///opt/logberg/";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path work;
  private final String classpath;
  private final int masterPort;
  private final int webUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();

  /** How a submitted driver ended: its state as the master reports it, and what it printed. */
  record Driver(String id, String state, String output, int executorWorkers) {}

  private SparkStandalone(Path work) throws IOException {
    this.work = work;
    assertThat(
        CLASSPATH + " is missing: build it with `mvn -B package -pl runners/spark-distribution`",
        Files.isRegularFile(CLASSPATH),
        is(true));
    this.classpath = Files.readString(CLASSPATH).trim();
    this.masterPort = freePort();
    this.webUiPort = freePort();
  }

  /** Starts a master and {@code workers} workers and waits until all registered. */
  static SparkStandalone start(Path work, int workers) throws Exception {
    Files.createDirectories(work.resolve("spark-home/jars"));
    SparkStandalone cluster = new SparkStandalone(work);
    try {
      cluster.processes.add(
          cluster.java(
              "master",
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(cluster.masterPort),
              "--webui-port",
              String.valueOf(cluster.webUiPort)));
      for (int i = 0; i < workers; i++) {
        Path workDir = Files.createDirectories(work.resolve("worker-" + i));
        cluster.workDirs.add(workDir);
        // Two cores each: the driver of a cluster-mode application takes one on one worker, each
        // executor (one core) another, so the two executors can land on different workers.
        cluster.processes.add(
            cluster.java(
                "worker-" + i,
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "2",
                "--memory",
                "2g",
                "--webui-port",
                "0",
                "--work-dir",
                workDir.toString(),
                cluster.masterUrl()));
      }
      cluster.awaitWorkers(workers);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /**
   * Submits the rendered SparkApplication in cluster deploy mode with exactly its main class, jar
   * and arguments and its {@code sparkConf}, and waits for the driver to end. The cluster's own
   * settings: one core per executor and two at most (two executors), small memory, and the Java 17
   * options Spark's launcher gives a driver it starts itself (the operator's driver pod runs
   * spark-submit, which adds them; a standalone worker's {@code DriverRunner} does not).
   */
  @SuppressWarnings("unchecked")
  Driver submit(Map<String, Object> manifest) throws Exception {
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    String jar = (String) spec.get("mainApplicationFile");
    assertThat(
        jar + " is where the Dockerfile puts the jar", jar.startsWith(IMAGE_JAR_DIR), is(true));
    assertThat(
        RunnerJar.SPARK.jar().getFileName().toString(), is(jar.substring(IMAGE_JAR_DIR.length())));
    List<String> args =
        new ArrayList<>(
            List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                masterUrl(),
                "--deploy-mode",
                "cluster",
                "--class",
                (String) spec.get("mainClass"),
                "--conf",
                "spark.standalone.submit.waitAppCompletion=true",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.driver.memory=1g",
                "--conf",
                "spark.driver.extraJavaOptions=" + JavaModuleOptions.defaultModuleOptions()));
    for (Map.Entry<String, Object> conf :
        ((Map<String, Object>) spec.get("sparkConf")).entrySet()) {
      args.addAll(List.of("--conf", conf.getKey() + "=" + conf.getValue()));
    }
    args.add(RunnerJar.SPARK.jar().toString());
    args.addAll((List<String>) spec.get("arguments"));
    Process submit =
        java("spark-submit-" + System.nanoTime(), args.remove(0), args.toArray(String[]::new));
    assertThat("spark-submit ended", submit.waitFor(10, TimeUnit.MINUTES), is(true));

    JsonNode master = status();
    List<JsonNode> drivers = new ArrayList<>();
    master.get("completeddrivers").forEach(drivers::add);
    assertThat("one more completed driver in " + master, drivers.isEmpty(), is(false));
    JsonNode driver = drivers.get(drivers.size() - 1);
    String id = driver.get("id").asText();
    Path stdout = null;
    int executorWorkers = 0;
    for (Path workDir : workDirs) {
      if (Files.isDirectory(workDir.resolve(id))) {
        stdout = workDir.resolve(id).resolve("stdout");
      }
      try (Stream<Path> apps = Files.list(workDir)) {
        if (apps.anyMatch(p -> p.getFileName().toString().startsWith("app-"))) {
          executorWorkers++;
        }
      }
    }
    assertThat("the driver's folder on a worker", stdout != null, is(true));
    return new Driver(id, driver.get("state").asText(), Files.readString(stdout), executorWorkers);
  }

  private JsonNode status() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return new ObjectMapper()
        .readTree(client.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  private void awaitWorkers(int workers) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        assertThat("a cluster process exited; logs in " + work, process.isAlive(), is(true));
      }
      try {
        if (status().get("aliveworkers").asInt() == workers) {
          return;
        }
      } catch (IOException e) {
        // the master's web UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        workers + " workers did not register in " + START_TIMEOUT + "; logs in " + work);
  }

  /**
   * A JVM on the distribution's class path with the Java 17 options Spark's own launch scripts give
   * its daemons, in the environment Spark's scripts set up.
   */
  private Process java(String name, String mainClass, String... args) throws IOException {
    List<String> line = TestJvm.java("-Xmx512m");
    line.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
    line.addAll(List.of("-cp", classpath, mainClass));
    line.addAll(Arrays.asList(args));
    ProcessBuilder builder =
        new ProcessBuilder(line)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", work.resolve("spark-home").toString());
    env.put("SPARK_DIST_CLASSPATH", classpath);
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : reversed(processes)) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static List<Process> reversed(List<Process> processes) {
    List<Process> reversed = new ArrayList<>(processes);
    Collections.reverse(reversed);
    return reversed;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

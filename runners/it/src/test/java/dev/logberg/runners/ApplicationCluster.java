package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * One run of a rendered FlinkDeployment as a Flink application cluster on this machine: a job
 * manager started by Flink's application entry point ({@code ApplicationClusterEntryPoint} and
 * {@code ApplicationDispatcherBootstrap}) and one or more task managers, each a JVM on the class
 * path of runners/flink-distribution (what the image's {@code /opt/flink/lib} holds), with
 * logberg-flink.jar in {@code usrlib/} as the Dockerfile puts it.
 *
 * <p>The configuration is the manifest's {@code flinkConfiguration} plus what the Flink Kubernetes
 * operator adds to it for an application deployment ({@code FlinkConfigBuilder}, {@code
 * ApplicationReconciler}): the job spec as {@code pipeline.jars}, {@code
 * $internal.application.main} and {@code -program-args}, the parallelism, a fixed job id, {@code
 * execution.shutdown-on-application-finish: false} and {@code
 * execution.submit-failed-job-on-application-error: true} (unless set); then loopback addresses and
 * ports.
 */
final class ApplicationCluster {
  private static final Path DIST = RunnerJar.REPO.resolve("runners/flink-distribution/target");
  private static final String IMAGE_USRLIB = "local:///opt/flink/usrlib/";
  private static final String BASH_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final Duration APPLICATION_TIMEOUT = Duration.ofMinutes(6);

  /**
   * How long the job manager must outlive the application's end: a fatal error exits it within
   * milliseconds.
   */
  private static final Duration GRACE = Duration.ofSeconds(4);

  /** A job of the cluster as its REST API lists it. */
  record Job(String id, String name, String state) {}

  /**
   * How the application ended: its jobs, whether the job manager was still up {@link #GRACE} after
   * the end (a job manager that exits is restarted by Kubernetes and runs the application again),
   * and the job manager's log.
   */
  record Ending(
      List<Job> jobs,
      boolean jobManagerAlive,
      String jobManagerLog,
      String exceptions,
      List<String> taskManagerLogs) {
    Job onlyJob() {
      assertThat("one job in " + jobs + "\n" + jobManagerLog, jobs.size(), is(1));
      return jobs.get(0);
    }
  }

  private ApplicationCluster() {}

  /** Renders the FlinkDeployment with the launcher jar, as {@code logberg-k8s.sh deploy} does. */
  static Map<String, Object> render(Path work, String jobName, List<String> params)
      throws Exception {
    return RenderedLaunch.render(work, "flink-k8s", jobName, params);
  }

  /**
   * The rendered manifest with {@code settings} added to its {@code flinkConfiguration}, for a test
   * that tunes its own cluster; {@code manifest} stays as rendered.
   */
  static Map<String, Object> withConfiguration(
      Map<String, Object> manifest, Map<String, String> settings) {
    Map<String, Object> spec = new LinkedHashMap<>(map(manifest.get("spec")));
    Map<String, Object> conf = new LinkedHashMap<>(map(spec.get("flinkConfiguration")));
    conf.putAll(settings);
    spec.put("flinkConfiguration", conf);
    Map<String, Object> tuned = new LinkedHashMap<>(manifest);
    tuned.put("spec", spec);
    return tuned;
  }

  /**
   * The rendered manifest with its job's arguments edited by {@code edit}, as a user edits a
   * manifest; {@code manifest} stays as rendered.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withJobArgs(
      Map<String, Object> manifest, UnaryOperator<List<String>> edit) {
    Map<String, Object> spec = new LinkedHashMap<>(map(manifest.get("spec")));
    Map<String, Object> job = new LinkedHashMap<>(map(spec.get("job")));
    job.put("args", edit.apply(new ArrayList<>((List<String>) job.get("args"))));
    spec.put("job", job);
    Map<String, Object> edited = new LinkedHashMap<>(manifest);
    edited.put("spec", spec);
    return edited;
  }

  /** Runs the rendered application to its end with one task manager. */
  static Ending run(Map<String, Object> manifest, Path work) throws Exception {
    return run(manifest, work, new Topology(1, List.of(), cluster -> {}));
  }

  /**
   * How the job's parallelism is spread: over {@code taskManagers} processes (the slots per task
   * manager become parallelism / taskManagers, as the operator starts parallelism / slots pods);
   * {@code taskManagerOptions} are added to every task manager's JVM (a fault point); {@code
   * whileRunning} runs once both kinds of process started. With {@code asRendered} the job and task
   * managers run with the rendered options and nothing else; otherwise the build's JIT setting for
   * test processes ({@link TestJvm#jit}) is added, which changes speed, not behaviour.
   */
  record Topology(
      int taskManagers,
      List<String> taskManagerOptions,
      Consumer<Running> whileRunning,
      boolean asRendered) {
    Topology(int taskManagers, List<String> taskManagerOptions, Consumer<Running> whileRunning) {
      this(taskManagers, taskManagerOptions, whileRunning, false);
    }
  }

  /** The processes of a running cluster, for a test that interferes with them. */
  record Running(Path home, Process jobManager, List<Process> taskManagers) {
    Path taskManagerLog(int index) {
      return home.resolve("taskmanager-" + index + ".log");
    }
  }

  /** Runs the rendered application to its end and reports how it ended. */
  static Ending run(Map<String, Object> manifest, Path work, Topology topology) throws Exception {
    Path home = Files.createDirectories(work.resolve("flink-home-" + System.nanoTime()));
    Files.createDirectories(home.resolve("lib"));
    Path usrlib = Files.createDirectories(home.resolve("usrlib"));
    Files.copy(RunnerJar.FLINK.jar(), usrlib.resolve("logberg-flink.jar"));
    Path conf = Files.createDirectories(home.resolve("conf"));
    int restPort = freePort();
    Map<String, Object> configuration =
        configuration(manifest, usrlib, restPort, topology.taskManagers());
    Files.writeString(conf.resolve("config.yaml"), yaml(configuration));

    List<String> jit = topology.asRendered() ? List.of() : TestJvm.jit();
    List<String> taskManagerOptions = new ArrayList<>(jit);
    taskManagerOptions.addAll(topology.taskManagerOptions());
    List<Process> taskManagers = new ArrayList<>();
    Process jobManager = null;
    try {
      for (int i = 0; i < topology.taskManagers(); i++) {
        taskManagers.add(
            start(
                home,
                configuration,
                "taskmanager-" + i,
                taskManagerOptions,
                "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "--configDir",
                conf.toString()));
      }
      jobManager =
          start(
              home,
              configuration,
              "jobmanager",
              jit,
              "GET_JM_RESOURCE_PARAMS",
              "dev.logberg.flinkdist.ApplicationClusterProcess",
              conf.toString());
      topology.whileRunning().accept(new Running(home, jobManager, List.copyOf(taskManagers)));
      List<Job> jobs = awaitApplicationEnd(jobManager, home.resolve("jobmanager.log"), restPort);
      boolean alive = !jobManager.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      StringBuilder exceptions = new StringBuilder();
      if (alive) {
        for (Job job : jobs) {
          exceptions.append(get(restPort, "/jobs/" + job.id() + "/exceptions"));
        }
      }
      List<String> taskManagerLogs = new ArrayList<>();
      for (int i = 0; i < taskManagers.size(); i++) {
        taskManagerLogs.add(Files.readString(home.resolve("taskmanager-" + i + ".log")));
      }
      return new Ending(
          jobs,
          alive,
          Files.readString(home.resolve("jobmanager.log")),
          exceptions.toString(),
          taskManagerLogs);
    } finally {
      if (jobManager != null) {
        stop(jobManager);
      }
      for (Process taskManager : taskManagers) {
        stop(taskManager);
      }
    }
  }

  private static Map<String, Object> configuration(
      Map<String, Object> manifest, Path usrlib, int restPort, int taskManagers)
      throws IOException {
    Map<String, Object> spec = map(manifest.get("spec"));
    Map<String, Object> job = map(spec.get("job"));
    Map<String, Object> conf = new LinkedHashMap<>(map(spec.get("flinkConfiguration")));
    String jarUri = (String) job.get("jarURI");
    assertThat(
        jarUri + " is where the Dockerfile puts the jar",
        jarUri.startsWith(IMAGE_USRLIB),
        is(true));
    conf.put(
        "pipeline.jars",
        List.of("local://" + usrlib.resolve(jarUri.substring(IMAGE_USRLIB.length()))));
    conf.put("$internal.application.main", job.get("entryClass"));
    conf.put("$internal.application.program-args", job.get("args"));
    int parallelism = (Integer) job.get("parallelism");
    conf.put("parallelism.default", String.valueOf(parallelism));
    assertThat(
        "parallelism " + parallelism + " over " + taskManagers + " task managers",
        parallelism % taskManagers,
        is(0));
    conf.put("taskmanager.numberOfTaskSlots", String.valueOf(parallelism / taskManagers));
    conf.put("$internal.pipeline.job-id", HexFormat.of().formatHex(randomBytes(16)));
    conf.put("execution.shutdown-on-application-finish", "false");
    conf.putIfAbsent("execution.submit-failed-job-on-application-error", "true");
    conf.put("jobmanager.memory.process.size", at(spec, "jobManager", "resource", "memory"));
    conf.put("taskmanager.memory.process.size", at(spec, "taskManager", "resource", "memory"));
    conf.put("jobmanager.rpc.address", "localhost");
    conf.put("jobmanager.rpc.port", String.valueOf(freePort()));
    conf.put("jobmanager.bind-host", "localhost");
    conf.put("taskmanager.host", "localhost");
    conf.put("taskmanager.bind-host", "localhost");
    conf.put("rest.address", "localhost");
    conf.put("rest.bind-address", "localhost");
    conf.put("rest.port", String.valueOf(restPort));
    return conf;
  }

  /**
   * Starts a job manager or task manager as Flink's start scripts do: {@code BashJavaUtils} derives
   * the JVM's memory flags and the memory settings to pass as {@code -D} pairs from the configured
   * process size, and every other JVM option comes from the configuration ({@code
   * env.java.default-opts.all}, {@code env.java.opts.all}, then the role's own), as the image's
   * scripts read them from the ConfigMap the operator writes; then {@code extraOptions} (a fault
   * point, and the build's JIT setting unless {@link Topology#asRendered}). Nothing else from this
   * build's JVM: a FlinkDeployment without the options its job needs fails here as on the cluster.
   */
  private static Process start(
      Path home,
      Map<String, Object> configuration,
      String name,
      List<String> extraOptions,
      String resourceParams,
      String mainClass,
      String... args)
      throws IOException, InterruptedException {
    boolean jobManager = resourceParams.equals("GET_JM_RESOURCE_PARAMS");
    List<String> resources = resourceParams(home, resourceParams);
    // The rendered configuration's options, then extraOptions (see Topology#asRendered).
    List<String> line =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    line.addAll(Arrays.asList(resources.get(0).split(" ")));
    for (String key :
        List.of(
            "env.java.default-opts.all",
            "env.java.opts.all",
            jobManager ? "env.java.opts.jobmanager" : "env.java.opts.taskmanager")) {
      line.addAll(Arrays.asList(String.valueOf(configuration.getOrDefault(key, "")).split(" ")));
    }
    line.addAll(extraOptions);
    line.removeIf(String::isBlank);
    line.addAll(
        List.of(
            "-Dlog4j.configurationFile=log4j2-flink-process.properties",
            "-cp",
            classpath(),
            mainClass));
    line.addAll(Arrays.asList(args));
    line.addAll(Arrays.asList(resources.get(1).trim().split(" ")));
    ProcessBuilder builder =
        new ProcessBuilder(line)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve(name + ".log").toFile());
    builder.environment().put("FLINK_HOME", home.toString());
    builder.environment().put("FLINK_LIB_DIR", home.resolve("lib").toString());
    return builder.start();
  }

  /** The two result lines of {@code BashJavaUtils}: JVM flags, then {@code -D key=value} pairs. */
  private static List<String> resourceParams(Path home, String command)
      throws IOException, InterruptedException {
    Process utils =
        new ProcessBuilder(
                TestJvm.java(
                    "-cp",
                    classpath(),
                    "org.apache.flink.runtime.util.bash.BashJavaUtils",
                    command,
                    "--configDir",
                    home.resolve("conf").toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(utils.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output, utils.waitFor(), is(0));
    List<String> results =
        output
            .lines()
            .filter(l -> l.startsWith(BASH_RESULT))
            .map(l -> l.substring(BASH_RESULT.length()))
            .toList();
    assertThat(output, results.size(), is(2));
    return results;
  }

  private static String classpath() throws IOException {
    Path classpath = DIST.resolve("classpath.txt");
    assertThat(
        classpath + " is missing: build it with `mvn -B package -pl runners/flink-distribution`",
        Files.isRegularFile(classpath),
        is(true));
    try (var jars = Files.list(DIST)) {
      Path entryPoint =
          jars.filter(
                  p -> p.getFileName().toString().matches("logberg-flink-distribution-.*\\.jar"))
              .findFirst()
              .orElseThrow();
      return Files.readString(classpath).trim() + ":" + entryPoint;
    }
  }

  /**
   * Waits until the job manager logged the application's end (or exited) and a job is in a terminal
   * state, and returns the jobs.
   */
  private static List<Job> awaitApplicationEnd(Process jobManager, Path log, int restPort)
      throws Exception {
    long deadline = System.nanoTime() + APPLICATION_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!jobManager.isAlive()) {
        throw new AssertionError(
            "the job manager exited with "
                + jobManager.exitValue()
                + " before the application ended:\n"
                + Files.readString(log));
      }
      String text = Files.readString(log);
      if (text.contains("Application completed SUCCESSFULLY")
          || text.contains("Application FAILED")
          || text.contains("Application CANCELED")
          || text.contains("Application failed unexpectedly")) {
        List<Job> jobs = jobs(restPort);
        if (jobs.stream()
            .allMatch(j -> List.of("FINISHED", "FAILED", "CANCELED").contains(j.state()))) {
          return jobs;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the application did not end in " + APPLICATION_TIMEOUT + ":\n" + Files.readString(log));
  }

  private static List<Job> jobs(int restPort) throws Exception {
    JsonNode overview = new ObjectMapper().readTree(get(restPort, "/jobs/overview"));
    List<Job> jobs = new ArrayList<>();
    for (JsonNode job : overview.get("jobs")) {
      jobs.add(
          new Job(job.get("jid").asText(), job.get("name").asText(), job.get("state").asText()));
    }
    return jobs;
  }

  private static String get(int port, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (ConnectException e) {
      return "{\"jobs\":[]}";
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static String yaml(Map<String, Object> configuration) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setSplitLines(false);
    return new Yaml(options).dump(configuration);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  private static Object at(Map<String, Object> map, String... keys) {
    Object value = map;
    for (String key : keys) {
      value = map(value).get(key);
    }
    return value;
  }
}

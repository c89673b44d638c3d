package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The rendered FlinkDeployment and SparkApplication: what the operators need, and values that stay
 * values.
 */
class ManifestsTest {
  private static final List<String> PARAMS =
      List.of(
          "--param",
          "warehouse=s3://acme-lake/warehouse",
          "--param",
          "input=s3://acme-logs/spark-application-logs/team-a",
          "--param",
          "catalogType=glue",
          "--param",
          "region=eu-west-1");
  private static final List<String> EXPECTED_ARGS =
      List.of(
          "run",
          "--input=s3://acme-logs/spark-application-logs/team-a",
          "--warehouse=s3://acme-lake/warehouse",
          "--catalogType=glue",
          "--region=eu-west-1",
          "--appName=logberg-team-a");

  @Test
  void flinkDeploymentCarriesWhatTheOperatorNeeds() {
    Map<String, Object> manifest =
        render("flink-k8s", "--jobName", "logberg-team-a", "--parallelism", "4");
    assertThat(manifest.get("apiVersion"), equalTo("flink.apache.org/v1beta1"));
    assertThat(manifest.get("kind"), equalTo("FlinkDeployment"));
    assertThat(at(manifest, "metadata", "name"), equalTo("logberg-team-a"));
    assertThat(at(manifest, "metadata", "namespace"), equalTo("logberg"));
    Map<String, Object> spec = map(manifest.get("spec"));
    assertThat(spec.get("image"), equalTo("registry.example.com/logberg-flink:1.0"));
    assertThat(spec.get("flinkVersion"), equalTo("v1_19"));
    assertThat(spec.get("serviceAccount"), equalTo("logberg-flink"));
    assertThat(at(spec, "job", "jarURI"), equalTo("local:///opt/flink/usrlib/logberg-flink.jar"));
    assertThat(at(spec, "job", "entryClass"), equalTo("dev.logberg.runners.flink.LogbergFlink"));
    List<String> args = new ArrayList<>(EXPECTED_ARGS);
    args.add("--parallelism=4");
    assertThat(at(spec, "job", "args"), equalTo(args));
    assertThat(at(spec, "job", "parallelism"), equalTo(4));
    assertThat(at(spec, "job", "upgradeMode"), equalTo("stateless"));
    assertThat(at(spec, "jobManager", "resource"), equalTo(Map.of("cpu", 1, "memory", "2048m")));
    assertThat(at(spec, "taskManager", "resource"), equalTo(Map.of("cpu", 2, "memory", "4096m")));
    Map<String, Object> flinkConfiguration = map(spec.get("flinkConfiguration"));
    // Application mode runs main detached unless told otherwise, and Beam's FlinkRunner then fails
    // (apache/beam#32944).
    assertThat(flinkConfiguration.get("execution.attached"), equalTo("true"));
    // An error before submission ends as one FAILED job, not a job manager restart.
    assertThat(
        flinkConfiguration.get("execution.submit-failed-job-on-application-error"),
        equalTo("true"));
    // The job manager's live progress reads the task managers' counters through this listener.
    assertThat(
        flinkConfiguration.get("execution.job-listeners"),
        equalTo("dev.logberg.runners.flink.FlinkJobProgress"));
    assertThat(flinkConfiguration.get("taskmanager.numberOfTaskSlots"), equalTo("2"));
    // The operator's ConfigMap replaces the image's configuration: the Java 17 options come from
    // here, at least every one the jars' manifests and the build's tests run with.
    List<String> javaOptions =
        List.of(((String) flinkConfiguration.get("env.java.opts.all")).split(" "));
    List<String> buildOpens = List.of(System.getProperty("logberg.jvm.opens").split(" "));
    assertThat(buildOpens.size(), is(14));
    assertThat(javaOptions.containsAll(buildOpens), is(true));
    // A lost task manager fails the run once; the next launch lands the rest (README).
    assertThat(flinkConfiguration.get("restart-strategy.type"), equalTo("none"));
    // A bounded job: no checkpoints.
    assertThat(flinkConfiguration, not(hasKey("execution.checkpointing.interval")));
  }

  @Test
  void aContinuousLocalLaunchRunsWatchWithTheSameArguments(@TempDir Path jars) throws Exception {
    Files.createFile(jars.resolve("logberg-flink.jar"));
    List<String> once = localCommand(jars, "flink-local");
    List<String> continuous = localCommand(jars, "flink-local", "--continuous");
    List<String> expected = new ArrayList<>(once);
    expected.set(expected.indexOf("run"), "watch");
    assertThat(continuous, equalTo(expected));
  }

  @Test
  void continuousIsRefusedWhereItCannotRun() {
    Launched scheduled =
        Launched.run(
            System.getenv(),
            launch("flink-k8s", "--continuous", "--schedule", "@hourly", "--jobName", "logs"));
    assertThat(scheduled.code(), is(Launcher.BAD_USAGE));
    assertThat(scheduled.err(), containsString("schedule runs or run continuously, not both"));
    Launched spark = Launched.run(System.getenv(), launch("spark-k8s", "--continuous"));
    assertThat(spark.code(), is(Launcher.BAD_USAGE));
    assertThat(
        spark.err(),
        containsString("--continuous runs on the direct, flink-local and flink-k8s targets"));
  }

  /**
   * {@code watch} on Kubernetes: one pod (never two, even during an update) running the Flink jar's
   * {@code watch} on its own local cluster, with the same arguments as a one-off run, as the job's
   * service account and the image's user, given time to end its run in progress on SIGTERM.
   */
  @Test
  void aContinuousFlinkLaunchIsADeploymentOfOneWatchingPod() {
    Map<String, Object> once = render("flink-k8s", "--jobName", "logs", "--parallelism", "4");
    Map<String, Object> manifest =
        render("flink-k8s", "--jobName", "logs", "--parallelism", "4", "--continuous");
    assertThat(manifest.get("apiVersion"), equalTo("apps/v1"));
    assertThat(manifest.get("kind"), equalTo("Deployment"));
    assertThat(at(manifest, "metadata", "name"), equalTo("logs"));
    Map<String, Object> spec = map(manifest.get("spec"));
    assertThat(spec.get("replicas"), equalTo(1));
    assertThat(at(spec, "strategy", "type"), equalTo("Recreate"));
    assertThat(
        at(spec, "selector", "matchLabels"), equalTo(at(spec, "template", "metadata", "labels")));
    Map<String, Object> pod = map(at(spec, "template", "spec"));
    assertThat(pod.get("serviceAccountName"), equalTo("logberg-flink"));
    assertThat(pod.get("terminationGracePeriodSeconds"), equalTo(300));
    assertThat(
        pod.get("securityContext"), equalTo(Map.of("runAsNonRoot", true, "runAsUser", 9999)));
    List<?> containers = (List<?>) pod.get("containers");
    assertThat(containers.size(), is(1));
    Map<String, Object> container = map(containers.get(0));
    List<String> expected =
        new ArrayList<>(List.of("java", "-jar", "/opt/flink/usrlib/logberg-flink.jar"));
    @SuppressWarnings("unchecked")
    List<String> runArgs = (List<String>) at(once, "spec", "job", "args");
    expected.addAll(runArgs);
    expected.set(expected.indexOf("run"), "watch");
    expected.add(expected.indexOf("--parallelism=4"), "--flinkMaster=[local]");
    assertThat(container.get("command"), equalTo(expected));
    assertThat(at(container, "resources", "requests", "cpu"), equalTo("4"));
    assertThat(at(container, "resources", "limits", "memory"), equalTo("8Gi"));
  }

  @Test
  void sparkApplicationCarriesWhatTheOperatorNeeds() {
    Map<String, Object> manifest =
        render(
            "spark-k8s",
            "--jobName",
            "logberg-team-a",
            "--parallelism",
            "5",
            "--image",
            "registry.example.com/logberg-spark:0.1.0",
            "--namespace",
            "data",
            "--serviceAccount",
            "etl");
    assertThat(manifest.get("apiVersion"), equalTo("sparkoperator.k8s.io/v1beta2"));
    assertThat(manifest.get("kind"), equalTo("SparkApplication"));
    assertThat(at(manifest, "metadata", "name"), equalTo("logberg-team-a"));
    assertThat(at(manifest, "metadata", "namespace"), equalTo("data"));
    Map<String, Object> spec = map(manifest.get("spec"));
    assertThat(spec.get("type"), equalTo("Java"));
    assertThat(spec.get("mode"), equalTo("cluster"));
    assertThat(spec.get("image"), equalTo("registry.example.com/logberg-spark:0.1.0"));
    assertThat(spec.get("mainClass"), equalTo("dev.logberg.runners.spark.LogbergSpark"));
    assertThat(spec.get("mainApplicationFile"), equalTo("local:///opt/logberg/logberg-spark.jar"));
    assertThat(spec.get("sparkVersion"), equalTo("3.5.3"));
    assertThat(spec.get("arguments"), equalTo(EXPECTED_ARGS));
    assertThat(at(spec, "driver", "cores"), equalTo(1));
    assertThat(at(spec, "driver", "memory"), equalTo("2g"));
    assertThat(at(spec, "driver", "serviceAccount"), equalTo("etl"));
    assertThat(at(spec, "executor", "cores"), equalTo(2));
    assertThat(at(spec, "executor", "instances"), equalTo(3));
    assertThat(at(spec, "executor", "memory"), equalTo("4g"));
    assertThat(at(spec, "executor", "serviceAccount"), equalTo("etl"));
    assertThat(at(spec, "sparkConf", "spark.default.parallelism"), equalTo("5"));
  }

  @Test
  void defaultsOfAKubernetesLaunch() {
    Map<String, Object> manifest = render("spark-k8s");
    String name = (String) at(manifest, "metadata", "name");
    assertThat(name, matchesPattern("logberg-[0-9]{8}-[0-9]{6}"));
    assertThat(at(manifest, "metadata", "namespace"), equalTo("logberg"));
    assertThat(at(manifest, "spec", "driver", "serviceAccount"), equalTo("logberg-spark"));
    assertThat(at(manifest, "spec", "executor", "instances"), equalTo(1));
    List<?> args = (List<?>) at(manifest, "spec", "arguments");
    assertThat(args.get(args.size() - 1), equalTo("--appName=" + name));
  }

  @Test
  void outputFileHoldsWhatStdoutWouldShow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("flink.yaml");
    List<String> args = launch("flink-k8s", "--jobName", "logberg-team-a");
    Launched printed = Launched.run(System.getenv(), args);
    args.addAll(List.of("--output", file.toString()));
    Launched written = Launched.run(System.getenv(), args);
    assertThat(written.err(), written.code(), is(Launcher.OK));
    assertThat(written.out(), equalTo(""));
    assertThat(Files.readString(file, StandardCharsets.UTF_8), equalTo(printed.out()));
  }

  /**
   * Values that would break a YAML template or a shell command line come back, after parsing the
   * manifest, as exactly one argument holding exactly the value, and the manifest keeps its one
   * document and its keys.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "it's \"quoted\" and 'single'",
        "line one\nline two\n",
        "$(touch MARKER) `touch MARKER` ; touch MARKER",
        "key: value",
        "{a: 1} [b] &anchor *alias !!binary",
        "# not a comment",
        "---\napiVersion: v1\nkind: Secret\n...",
        "|\n  folded >\n  - item",
        "  leading and trailing  ",
        "\\\" \\n \\u0000 %TAG",
        "bell \u0007 escape \u001b[31m red \t tab \r return \u2028 separator"
      })
  void hostileValuesStayOneInertArgument(String hostile, @TempDir Path dir) {
    String marker = dir.resolve("MARKER").toString();
    String value = hostile.replace("MARKER", marker);
    for (String target : List.of("flink-k8s", "spark-k8s")) {
      List<String> args = launch(target, "--jobName", "logberg-team-a");
      args.addAll(List.of("--param", "catalogProperties=logberg.note=" + value));
      Launched launched = Launched.run(System.getenv(), args);
      assertThat(launched.err(), launched.code(), is(Launcher.OK));

      List<Object> documents = new ArrayList<>();
      yaml().loadAll(launched.out()).forEach(documents::add);
      assertThat(target + ": one document", documents.size(), is(1));
      Map<String, Object> manifest = map(documents.get(0));
      Map<String, Object> plain = render(target, "--jobName", "logberg-team-a");
      assertThat(manifest.keySet(), equalTo(plain.keySet()));
      assertThat(map(manifest.get("spec")).keySet(), equalTo(map(plain.get("spec")).keySet()));
      Object pipelineArgs =
          target.equals("flink-k8s")
              ? at(manifest, "spec", "job", "args")
              : at(manifest, "spec", "arguments");
      List<String> expected =
          new ArrayList<>(
              target.equals("flink-k8s")
                  ? at(plain, "spec", "job", "args")
                  : at(plain, "spec", "arguments"));
      // The template's order: catalogProperties comes before catalogType.
      expected.add(
          expected.indexOf("--catalogType=glue"), "--catalogProperties=logberg.note=" + value);
      assertThat(pipelineArgs, equalTo(expected));
    }
    assertThat("nothing ran", Files.exists(Path.of(marker)), is(false));
  }

  /**
   * Local targets fork the runner jar with an argument list; the runner settings follow the
   * template's values.
   */
  @Test
  void localTargetsForkTheRunnerJar(@TempDir Path jars) throws Exception {
    for (String runner : List.of("direct", "flink", "spark")) {
      // Only its existence is checked before the fork; no jar runs here (the *IT tests run the real
      // ones).
      Files.createFile(jars.resolve("logberg-" + runner + ".jar"));
    }
    String value = "logberg.note=$(touch x) 'a b'\n# c";
    assertThat(
        localCommand(
            jars, "flink-local", "--parallelism", "3", "--param", "catalogProperties=" + value),
        contains(
            javaBinary(),
            "-jar",
            jars.resolve("logberg-flink.jar").toString(),
            "run",
            "--input=/data/logs",
            "--warehouse=/data/lake",
            "--catalogProperties=" + value,
            "--flinkMaster=[local]",
            "--parallelism=3"));
    assertThat(
        localCommand(jars, "spark-local", "--jobName", "nightly"),
        contains(
            javaBinary(),
            "-jar",
            jars.resolve("logberg-spark.jar").toString(),
            "run",
            "--input=/data/logs",
            "--warehouse=/data/lake",
            "--appName=nightly",
            "--sparkMaster=local[2]"));
    assertThat(
        localCommand(jars, "direct"),
        contains(
            javaBinary(),
            "-jar",
            jars.resolve("logberg-direct.jar").toString(),
            "run",
            "--input=/data/logs",
            "--warehouse=/data/lake"));
  }

  @Test
  void runnerJarsAreFoundInTheRepositoryLayout() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--template",
                Launched.ROOT.resolve(Launched.TEMPLATE).toString(),
                "--target",
                "flink-local",
                "--param",
                "input=/data/logs",
                "--param",
                "warehouse=/data/lake"));
    Path expected = Launched.ROOT.resolve("runners/flink/target/logberg-flink.jar");
    try {
      LaunchRequest request =
          LaunchRequest.parse(args, Launched.ROOT.resolve("runners/launch"), Instant.now(), true);
      assertThat(request.runnerJar(), equalTo(expected));
    } catch (LaunchRequest.Invalid e) {
      // Not built yet in this checkout: the message must then name the jar the layout gives.
      assertThat(
          e.getMessage(),
          org.hamcrest.Matchers.containsString("runs " + expected + ", which does not exist"));
    }
  }

  private static List<String> localCommand(Path jars, String target, String... more)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--template",
                Launched.TEMPLATE,
                "--target",
                target,
                "--jarDir",
                jars.toString(),
                "--param",
                "warehouse=/data/lake",
                "--param",
                "input=/data/logs"));
    args.addAll(List.of(more));
    LaunchRequest request = LaunchRequest.parse(args, Launched.ROOT, Instant.now(), false);
    return Processes.runnerCommand(request.runnerJar(), request.pipelineArgs());
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A launch of {@code target}; Kubernetes targets get an image unless {@code more} names one (it
   * is required).
   */
  private static List<String> launch(String target, String... more) {
    List<String> args =
        new ArrayList<>(List.of("launch", "--template", Launched.TEMPLATE, "--target", target));
    args.addAll(PARAMS);
    if (target.endsWith("-k8s") && !List.of(more).contains("--image")) {
      args.addAll(
          List.of(
              "--image", "registry.example.com/logberg-" + target.replace("-k8s", "") + ":1.0"));
    }
    args.addAll(List.of(more));
    return args;
  }

  private static Map<String, Object> render(String target, String... more) {
    Launched launched = Launched.run(System.getenv(), launch(target, more));
    assertThat(launched.err(), launched.code(), is(Launcher.OK));
    return map(yaml().load(launched.out()));
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> root, String... path) {
    Object node = root;
    for (String key : path) {
      node = map(node).get(key);
    }
    return (T) node;
  }
}

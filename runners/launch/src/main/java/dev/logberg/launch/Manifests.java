package dev.logberg.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The FlinkDeployment and SparkApplication of a launch, built as maps and lists and written by
 * SnakeYAML: every value is a scalar node that SnakeYAML quotes as needed, and every pipeline
 * argument is one list item, so no value can add keys, documents or commands.
 */
final class Manifests {
  static final String FLINK_API_VERSION = "flink.apache.org/v1beta1";
  static final String FLINK_VERSION = "v1_19";
  static final String FLINK_JAR = "local:///opt/flink/usrlib/logberg-flink.jar";
  static final String FLINK_ENTRY_CLASS = "dev.logberg.runners.flink.LogbergFlink";
  static final String SPARK_API_VERSION = "sparkoperator.k8s.io/v1beta2";
  static final String SPARK_VERSION = "3.5.3";
  static final String SPARK_JAR = "local:///opt/logberg/logberg-spark.jar";
  static final String SPARK_MAIN_CLASS = "dev.logberg.runners.spark.LogbergSpark";

  /**
   * Slots per task manager and cores per executor: a launch's parallelism is spread over pods of
   * this size.
   */
  static final int CORES_PER_WORKER = 2;

  private Manifests() {}

  /** What names and places the Kubernetes resource. */
  record Placement(
      String name, String namespace, String image, String serviceAccount, int parallelism) {}

  /**
   * Application mode, run once: upgradeMode stateless and no checkpointing (the job is bounded; a
   * failed run is repeated by launching again, which the metadata table makes safe).
   */
  static Map<String, Object> flinkDeployment(Placement placement, List<String> pipelineArgs) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("image", placement.image());
    spec.put("imagePullPolicy", "IfNotPresent");
    spec.put("flinkVersion", FLINK_VERSION);
    spec.put("serviceAccount", placement.serviceAccount());
    spec.put("flinkConfiguration", flinkConfiguration());
    spec.put("jobManager", Map.of("resource", cpuAndMemory(1, "2048m")));
    spec.put("taskManager", Map.of("resource", cpuAndMemory(CORES_PER_WORKER, "4096m")));
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("jarURI", FLINK_JAR);
    job.put("entryClass", FLINK_ENTRY_CLASS);
    job.put("args", List.copyOf(pipelineArgs));
    job.put("parallelism", placement.parallelism());
    job.put("upgradeMode", "stateless");
    spec.put("job", job);
    return resource(FLINK_API_VERSION, "FlinkDeployment", placement, "flink", spec);
  }

  /**
   * Beside the slots: {@code execution.attached}, since in application mode Flink runs {@code main}
   * detached unless told otherwise, and Beam's FlinkRunner then fails with "Job was submitted in
   * detached mode" (apache/beam#32944); and {@code
   * execution.submit-failed-job-on-application-error} (the operator's default, written out because
   * LogbergFlink relies on it): an error before the job is submitted becomes one FAILED job, not a
   * job manager that exits and is restarted; and {@code execution.job-listeners}, through which the
   * job manager's live progress reads the running job's counters ({@code FlinkJobProgress}).
   */
  static final String FLINK_JOB_PROGRESS = "dev.logberg.runners.flink.FlinkJobProgress";

  /**
   * The Java 17 options of the job manager's and the task managers' JVMs: the opens the runner jars
   * carry as {@code Add-Opens} (which only {@code java -jar} applies) and those and the exports
   * Flink's own distribution sets for Java 17 (Kryo on JDK classes). The image's {@code
   * conf/config.yaml} has such a list, but the operator replaces that file with its ConfigMap, and
   * the operator 1.10.0 that deploy/README.md installs writes no Java options of its own (they came
   * with FLINK-36646, in 1.11.0, as {@code env.java.default-opts.all}, which this list is appended
   * to). Measured: Logberg's job itself also runs without them, since Beam's coders keep Kryo off
   * JDK classes.
   */
  static final List<String> JAVA_17_OPTIONS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

  /**
   * Beside the Java options: no restart of a failed job ({@code restart-strategy.type: none}, also
   * Flink's default without checkpointing, written out because the outcome is documented and
   * tested): a lost task manager ends the run FAILED at once, the run's claims lapse when its job
   * manager's {@code main} returns, and the next launch lands the rest exactly. Restarting tasks in
   * place would re-run steps whose commits the job cannot roll back.
   */
  static Map<String, Object> flinkConfiguration() {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("taskmanager.numberOfTaskSlots", String.valueOf(CORES_PER_WORKER));
    configuration.put("execution.attached", "true");
    configuration.put("execution.submit-failed-job-on-application-error", "true");
    configuration.put("execution.job-listeners", FLINK_JOB_PROGRESS);
    configuration.put("restart-strategy.type", "none");
    configuration.put("env.java.opts.all", String.join(" ", JAVA_17_OPTIONS));
    return configuration;
  }

  /**
   * Cluster mode; the driver and the executors both reach S3 and the catalog, so both run as the
   * service account.
   */
  static Map<String, Object> sparkApplication(Placement placement, List<String> pipelineArgs) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", "Java");
    spec.put("mode", "cluster");
    spec.put("image", placement.image());
    spec.put("imagePullPolicy", "IfNotPresent");
    spec.put("mainClass", SPARK_MAIN_CLASS);
    spec.put("mainApplicationFile", SPARK_JAR);
    spec.put("arguments", List.copyOf(pipelineArgs));
    spec.put("sparkVersion", SPARK_VERSION);
    spec.put("restartPolicy", Map.of("type", "Never"));
    spec.put(
        "sparkConf", Map.of("spark.default.parallelism", String.valueOf(placement.parallelism())));
    spec.put("driver", sparkPod(1, "2g", placement.serviceAccount(), null));
    int executors = (placement.parallelism() + CORES_PER_WORKER - 1) / CORES_PER_WORKER;
    spec.put("executor", sparkPod(CORES_PER_WORKER, "4g", placement.serviceAccount(), executors));
    return resource(SPARK_API_VERSION, "SparkApplication", placement, "spark", spec);
  }

  /** How many finished runs a schedule keeps (their Jobs or SparkApplications, and logs). */
  static final int RUN_HISTORY = 3;

  /**
   * A run that could not start within this many seconds of its time (the controller was down, or
   * the previous one still ran) is skipped: the next one lands the same work.
   */
  static final int STARTING_DEADLINE_SECONDS = 600;

  /**
   * How long the job manager of a finished scheduled Flink run stays up for its logs and UI; the
   * operator's default is a day, which on an hourly schedule keeps 24 idle job managers.
   */
  static final String SCHEDULED_JOB_MANAGER_TTL = "1 h";

  static final String FLINK_SCHEDULER_ACCOUNT = "logberg-flink-scheduler";
  private static final String RUN_MANIFEST_DIR = "/etc/logberg";
  private static final String RUN_MANIFEST_FILE = "flinkdeployment.yaml";

  /**
   * The resources of a scheduled Flink launch. The Flink operator has no scheduled resource, so a
   * CronJob's pod creates each run with kubectl from a ConfigMap that holds the FlinkDeployment
   * with {@code generateName}: every run is a new FlinkDeployment {@code <name>-xxxxx} (applying
   * one name again would not rerun it), and its job id is new too ({@code --appName}). The CronJob
   * forbids overlapping launcher Jobs; a run that outlasts the interval overlaps the next one,
   * which then skips what the live run claimed (exit code 4, FINISHED).
   */
  static List<Map<String, Object>> scheduledFlink(
      Placement placement, List<String> pipelineArgs, String schedule, String kubectlImage) {
    Map<String, Object> run = flinkDeployment(placement, pipelineArgs);
    Map<String, Object> runMetadata = map(run.get("metadata"));
    runMetadata.remove("name");
    runMetadata.put("generateName", placement.name() + "-");
    Map<String, Object> runSpec = map(run.get("spec"));
    map(runSpec.get("flinkConfiguration"))
        .put("kubernetes.operator.jm-deployment.shutdown-ttl", SCHEDULED_JOB_MANAGER_TTL);
    // Metadata first, so the manifest reads as a resource like the one-off one.
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put("apiVersion", run.get("apiVersion"));
    ordered.put("kind", run.get("kind"));
    ordered.put("metadata", runMetadata);
    ordered.put("spec", runSpec);

    Map<String, Object> configMap = new LinkedHashMap<>();
    configMap.put("apiVersion", "v1");
    configMap.put("kind", "ConfigMap");
    configMap.put("metadata", metadata(placement.name() + "-run", placement, "flink"));
    configMap.put("data", Map.of(RUN_MANIFEST_FILE, toYaml(ordered)));

    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "launch");
    container.put("image", kubectlImage);
    container.put(
        "args",
        List.of(
            "create",
            "--namespace",
            placement.namespace(),
            "--filename",
            RUN_MANIFEST_DIR + "/" + RUN_MANIFEST_FILE));
    container.put(
        "volumeMounts",
        List.of(Map.of("name", "run", "mountPath", RUN_MANIFEST_DIR, "readOnly", true)));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("serviceAccountName", FLINK_SCHEDULER_ACCOUNT);
    pod.put("restartPolicy", "Never");
    pod.put("containers", List.of(container));
    pod.put(
        "volumes",
        List.of(Map.of("name", "run", "configMap", Map.of("name", placement.name() + "-run"))));
    return List.of(configMap, cronJob(placement.name(), placement, "flink", schedule, pod));
  }

  /**
   * A scheduled Spark launch: the Spark operator's own ScheduledSparkApplication, which creates a
   * SparkApplication {@code <name>-<time>} per run from the same spec as a one-off launch and, with
   * {@code concurrencyPolicy: Forbid}, starts none while the previous one runs.
   */
  static Map<String, Object> scheduledSpark(
      Placement placement, List<String> pipelineArgs, String schedule) {
    Map<String, Object> template = map(sparkApplication(placement, pipelineArgs).get("spec"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schedule", schedule);
    spec.put("concurrencyPolicy", "Forbid");
    spec.put("successfulRunHistoryLimit", RUN_HISTORY);
    spec.put("failedRunHistoryLimit", RUN_HISTORY);
    spec.put("template", template);
    return resource(SPARK_API_VERSION, "ScheduledSparkApplication", placement, "spark", spec);
  }

  /**
   * How long Kubernetes waits after SIGTERM before it kills a continuous pod: {@code watch} lets
   * the run in progress end, which on a quiet stream takes seconds and after a backlog minutes. A
   * run killed at the deadline is a killed run, repaired by the next pod's first run.
   */
  static final int WATCH_GRACE_SECONDS = 300;

  /** The memory of a continuous pod per slot of its local Flink cluster, as a task manager's. */
  static final int WATCH_GIB_PER_SLOT = 2;

  /**
   * {@code watch} of the Flink jar on Kubernetes: a Deployment of one pod whose process runs every
   * run on one local Flink cluster ({@code ProcessCluster}). Not a FlinkDeployment: the operator
   * fixes each application's job id, and Flink 1.19 then allows one job per application ({@code
   * ApplicationDispatcherBootstrap#fixJobIdAndRunApplicationAsync}), where {@code watch} runs one
   * job per interval. {@code Recreate}: an update stops the old pod (which ends its run) before the
   * new one starts; two at once would be safe (claims) but idle. A pod that dies is restarted by
   * the Deployment, and its first run repairs the killed one.
   */
  static Map<String, Object> watchDeployment(Placement placement, List<String> pipelineArgs) {
    Map<String, Object> container =
        jarContainer("watch", placement.image(), FLINK_JAR, pipelineArgs);
    // Ordered maps throughout: the rendered example in deploy/ must come out the same every time.
    String memory = WATCH_GIB_PER_SLOT * placement.parallelism() + "Gi";
    Map<String, Object> requests = new LinkedHashMap<>();
    requests.put("cpu", String.valueOf(placement.parallelism()));
    requests.put("memory", memory);
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("requests", requests);
    resources.put("limits", Map.of("memory", memory));
    container.put("resources", resources);
    Map<String, Object> securityContext = new LinkedHashMap<>();
    securityContext.put("runAsNonRoot", true);
    securityContext.put("runAsUser", FLINK_USER);
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("serviceAccountName", placement.serviceAccount());
    pod.put("terminationGracePeriodSeconds", WATCH_GRACE_SECONDS);
    pod.put("securityContext", securityContext);
    pod.put("containers", List.of(container));
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("metadata", Map.of("labels", labels(placement, "flink")));
    template.put("spec", pod);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("replicas", 1);
    spec.put("strategy", Map.of("type", "Recreate"));
    spec.put("selector", Map.of("matchLabels", labels(placement, "flink")));
    spec.put("template", template);
    return resource("apps/v1", "Deployment", placement, "flink", spec);
  }

  /** The user of the Flink image (and of its pods); the Spark image's is 185. */
  static final int FLINK_USER = 9999;

  /**
   * A container that runs a runner jar of the image with {@code java -jar} (which applies the jar's
   * {@code Add-Opens}), the image's entry point replaced.
   */
  private static Map<String, Object> jarContainer(
      String name, String image, String jarUri, List<String> args) {
    List<String> command =
        new ArrayList<>(List.of("java", "-jar", jarUri.substring("local://".length())));
    command.addAll(args);
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", name);
    container.put("image", image);
    container.put("imagePullPolicy", "IfNotPresent");
    container.put("command", command);
    return container;
  }

  /**
   * {@code upkeep} on its own schedule: the runner jar's upkeep command in the job's image, as the
   * job's service account (the same AWS role) and the image's own non-root user.
   */
  static Map<String, Object> upkeepCronJob(
      Placement placement, String runner, List<String> upkeepArgs, String schedule) {
    Map<String, Object> container =
        jarContainer(
            "upkeep",
            placement.image(),
            runner.equals("flink") ? FLINK_JAR : SPARK_JAR,
            upkeepArgs);
    container.put(
        "resources",
        Map.of(
            "requests", Map.of("cpu", "1", "memory", "2Gi"),
            "limits", Map.of("memory", "2Gi")));
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("serviceAccountName", placement.serviceAccount());
    pod.put("restartPolicy", "Never");
    pod.put(
        "securityContext",
        Map.of("runAsNonRoot", true, "runAsUser", runner.equals("flink") ? FLINK_USER : 185));
    pod.put("containers", List.of(container));
    return cronJob(placement.name() + "-upkeep", placement, runner, schedule, pod);
  }

  private static Map<String, Object> cronJob(
      String name,
      Placement placement,
      String component,
      String schedule,
      Map<String, Object> pod) {
    Map<String, Object> jobSpec = new LinkedHashMap<>();
    // A failed launch or upkeep is not retried in place: the next scheduled one repeats it.
    jobSpec.put("backoffLimit", 0);
    jobSpec.put(
        "template",
        Map.of("metadata", Map.of("labels", labels(placement, component)), "spec", pod));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schedule", schedule);
    spec.put("concurrencyPolicy", "Forbid");
    spec.put("startingDeadlineSeconds", STARTING_DEADLINE_SECONDS);
    spec.put("successfulJobsHistoryLimit", RUN_HISTORY);
    spec.put("failedJobsHistoryLimit", RUN_HISTORY);
    spec.put(
        "jobTemplate",
        Map.of("metadata", Map.of("labels", labels(placement, component)), "spec", jobSpec));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "batch/v1");
    manifest.put("kind", "CronJob");
    manifest.put("metadata", metadata(name, placement, component));
    manifest.put("spec", spec);
    return manifest;
  }

  /** Several resources as one YAML stream, each its own document. */
  static String toYaml(List<Map<String, Object>> manifests) {
    return String.join("---\n", manifests.stream().map(Manifests::toYaml).toList());
  }

  static String toYaml(Map<String, Object> manifest) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    // Long arguments stay on one line: folded scalars are valid YAML but hard to read and diff.
    options.setSplitLines(false);
    // Control characters are escaped in a double-quoted string; the default would turn such a value
    // into !!binary.
    options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
    return new Yaml(options).dump(manifest);
  }

  private static Map<String, Object> resource(
      String apiVersion,
      String kind,
      Placement placement,
      String component,
      Map<String, Object> spec) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", apiVersion);
    manifest.put("kind", kind);
    manifest.put("metadata", metadata(placement.name(), placement, component));
    manifest.put("spec", spec);
    return manifest;
  }

  private static Map<String, Object> metadata(String name, Placement placement, String component) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", placement.namespace());
    metadata.put("labels", labels(placement, component));
    return metadata;
  }

  private static Map<String, Object> labels(Placement placement, String component) {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "logberg");
    labels.put("app.kubernetes.io/component", component);
    labels.put("app.kubernetes.io/instance", placement.name());
    labels.put("app.kubernetes.io/managed-by", "logberg-launch");
    return labels;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object value) {
    return (Map<String, Object>) Objects.requireNonNull(value, "a part this class built");
  }

  private static Map<String, Object> cpuAndMemory(int cpu, String memory) {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("cpu", cpu);
    resource.put("memory", memory);
    return resource;
  }

  private static Map<String, Object> sparkPod(
      int cores, String memory, String serviceAccount, @Nullable Integer instances) {
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("cores", cores);
    if (instances != null) {
      pod.put("instances", instances);
    }
    pod.put("memory", memory);
    pod.put("serviceAccount", serviceAccount);
    pod.put("labels", Map.of("version", SPARK_VERSION));
    return pod;
  }
}

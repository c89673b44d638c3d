package dev.logberg.launch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * What the job manager's and the task managers' JVMs need on Java 17: the opens Beam, Spark's and
   * Iceberg's libraries and Flink's Kryo reach into (the runner jars carry the same list as {@code
   * Add-Opens}, which only {@code java -jar} applies), and the exports Flink itself uses. The
   * image's own {@code conf/config.yaml} has such a list, but the operator replaces that file with
   * its ConfigMap, and the operator 1.10.0 that deploy/README.md installs writes no Java options of
   * its own (they came with FLINK-36646, in 1.11.0, as {@code env.java.default-opts.all}, which
   * this list is appended to): without it the pods would start without any.
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
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "logberg");
    labels.put("app.kubernetes.io/component", component);
    labels.put("app.kubernetes.io/instance", placement.name());
    labels.put("app.kubernetes.io/managed-by", "logberg-launch");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", placement.name());
    metadata.put("namespace", placement.namespace());
    metadata.put("labels", labels);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", apiVersion);
    manifest.put("kind", kind);
    manifest.put("metadata", metadata);
    manifest.put("spec", spec);
    return manifest;
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

package dev.logberg.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A launch whose every input was checked: the template's parameter values, the target, and the
 * flags of that target. {@link #parse} reports all problems at once.
 *
 * @param jobName the Kubernetes resource name and the runs' name, passed as {@code --appName}: the
 *     pipeline makes every run's job id of it plus a suffix of its own ({@code <name>-<UTC
 *     time>-<random>}), so two runs of one manifest never share the claims of one id; null for a
 *     local launch without one
 * @param image the image of the Kubernetes targets; null for local ones
 * @param runnerJar the jar a local target forks; null for Kubernetes targets
 * @param output where a manifest is written; null for stdout
 * @param schedule the cron schedule of a scheduled launch; null for one run
 * @param upkeepSchedule the cron schedule of {@code upkeep}; null for none
 * @param kubectlImage the image whose kubectl creates each scheduled Flink run
 * @param continuous whether the job is {@code watch} (one long-lived job landing files as they
 *     arrive) rather than one {@code run}
 */
record LaunchRequest(
    TemplateSpec template,
    Target target,
    Map<String, String> parameters,
    @Nullable String jobName,
    @Nullable String image,
    String namespace,
    String serviceAccount,
    int parallelism,
    @Nullable Path runnerJar,
    @Nullable Path output,
    boolean apply,
    @Nullable String schedule,
    @Nullable String upkeepSchedule,
    String kubectlImage,
    boolean continuous) {

  static final Set<String> VALUED =
      Set.of(
          "template",
          "target",
          "param",
          "image",
          "namespace",
          "serviceAccount",
          "jobName",
          "parallelism",
          "output",
          "jarDir",
          "schedule",
          "upkeepSchedule",
          "kubectlImage");
  static final Set<String> SWITCHES = Set.of("apply", "continuous");
  static final String DEFAULT_NAMESPACE = "logberg";
  static final int DEFAULT_PARALLELISM = 2;
  static final int MAX_PARALLELISM = 1024;

  /**
   * Flink's operator derives service names from the resource name, so it stays well under 63
   * characters.
   */
  private static final Pattern JOB_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,43}[a-z0-9])?");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
  private static final List<String> KUBERNETES_ONLY =
      List.of(
          "image",
          "namespace",
          "serviceAccount",
          "output",
          "apply",
          "schedule",
          "upkeepSchedule",
          "kubectlImage");

  /**
   * A standard five-field cron line (minute hour day-of-month month day-of-week, each of digits,
   * {@code * / , -} and names), or a macro such as {@code @hourly}: what both a CronJob and the
   * Spark operator's ScheduledSparkApplication accept.
   */
  private static final Pattern CRON =
      Pattern.compile(
          "(@(yearly|annually|monthly|weekly|daily|midnight|hourly))"
              + "|([0-9A-Za-z*/,?-]+( [0-9A-Za-z*/,?-]+){4})");

  /**
   * The kubectl that creates each scheduled Flink run: the Kubernetes project's own image (its
   * entry point is kubectl).
   */
  static final String DEFAULT_KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.31.4";

  /**
   * Each scheduled Flink run is a FlinkDeployment named {@code <name>-<5 random characters>}, which
   * must stay within Flink's 45.
   */
  static final int MAX_SCHEDULED_FLINK_NAME = 39;

  /** Thrown with every problem of a launch. */
  static final class Invalid extends Exception {
    Invalid(List<String> problems) {
      super("Invalid launch:\n  - " + String.join("\n  - ", problems));
    }
  }

  /**
   * @param workingDir where relative paths start and the repository (for the runner jars) is looked
   *     for
   * @param kubectlAvailable whether {@code --apply} can work
   */
  static LaunchRequest parse(
      List<String> args, Path workingDir, Instant now, boolean kubectlAvailable) throws Invalid {
    Flags flags = Flags.parse(args, VALUED, Set.of("param"), SWITCHES);
    List<String> problems = new ArrayList<>(flags.problems());

    Target target = null;
    Optional<String> targetName = flags.get("target");
    if (targetName.isEmpty()) {
      problems.add("--target is required: " + Target.names());
    } else {
      target = Target.of(targetName.get()).orElse(null);
      if (target == null) {
        problems.add(
            "--target " + Messages.quote(targetName.get()) + " is not one of " + Target.names());
      }
    }

    TemplateSpec template = null;
    Optional<String> templateFile = flags.get("template");
    if (templateFile.isEmpty()) {
      problems.add(
          "--template is required: the spec JSON, e.g. deploy/templates/spark-logs-to-iceberg.json");
    } else {
      try {
        template = TemplateSpec.read(workingDir.resolve(templateFile.get()));
      } catch (NoSuchFileException e) {
        problems.add(
            "--template "
                + templateFile.get()
                + ": no such file ("
                + workingDir.resolve(templateFile.get())
                + ")");
      } catch (IOException e) {
        problems.add("cannot read --template " + templateFile.get() + ": " + e);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }

    Map<String, String> given = new LinkedHashMap<>();
    for (String param : flags.all("param")) {
      int equals = param.indexOf('=');
      if (equals <= 0) {
        problems.add("--param needs name=value, got " + Messages.quote(param));
      } else if (given.putIfAbsent(param.substring(0, equals), param.substring(equals + 1))
          != null) {
        problems.add("parameter " + param.substring(0, equals) + " is given more than once");
      }
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (template != null) {
      problems.addAll(template.check(given));
      // The template's order, so a launch renders the same manifest whatever order the flags came
      // in.
      template.parameters().stream()
          .filter(p -> given.containsKey(p.name()))
          .forEach(p -> parameters.put(p.name(), given.get(p.name())));
    }

    if (target != null) {
      for (String flag : KUBERNETES_ONLY) {
        if (!target.kubernetes() && flags.has(flag)) {
          problems.add("--" + flag + " applies to the flink-k8s and spark-k8s targets only");
        }
      }
      if (target.kubernetes() && flags.has("jarDir")) {
        problems.add("--jarDir applies to the local targets only (the image holds the jar)");
      }
      if (target == Target.DIRECT && flags.has("parallelism")) {
        problems.add("--parallelism applies to the Flink and Spark targets only");
      }
    }
    String jobName = flags.get("jobName").orElse(null);
    check(
        problems,
        jobName,
        JOB_NAME,
        "--jobName: lowercase letters, digits and '-', starting with a letter, at most 45 characters");
    String namespace = flags.get("namespace").orElse(DEFAULT_NAMESPACE);
    check(
        problems,
        namespace,
        DNS_LABEL,
        "--namespace: a Kubernetes namespace (lowercase letters, digits, '-')");
    String serviceAccount =
        flags.get("serviceAccount").orElse(target == null ? null : "logberg-" + target.runner());
    check(
        problems,
        serviceAccount,
        DNS_SUBDOMAIN,
        "--serviceAccount: a Kubernetes name (lowercase letters, digits, '-', '.')");
    // No default image: a bare name like logberg-flink:0.1.0 is pulled from Docker Hub, where it
    // does not exist, and
    // the pods would sit in ImagePullBackOff.
    String image = flags.get("image").orElse(null);
    if (target != null && target.kubernetes() && image == null) {
      problems.add(
          "--image is required for --target "
              + target.cliName()
              + ": the image built from deploy/"
              + target.runner()
              + "/Dockerfile and pushed to a registry the cluster can pull from, e.g. --image "
              + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/logberg-"
              + target.runner()
              + ":0.1.0 (deploy/README.md)");
    }
    check(
        problems,
        image,
        IMAGE,
        "--image: an image reference such as registry.example.com/logberg-flink:0.1.0");
    int parallelism = parallelism(flags.get("parallelism"), problems);
    String schedule = flags.get("schedule").orElse(null);
    check(
        problems,
        schedule,
        CRON,
        "--schedule: a cron line of five fields, e.g. \"0 * * * *\" for every hour, or @hourly");
    String upkeepSchedule = flags.get("upkeepSchedule").orElse(null);
    check(
        problems,
        upkeepSchedule,
        CRON,
        "--upkeepSchedule: a cron line of five fields, e.g. \"30 3 * * *\" for 03:30 every day");
    if (upkeepSchedule != null && schedule == null) {
      problems.add("--upkeepSchedule comes with --schedule: it adds upkeep to a scheduled launch");
    }
    String kubectlImage = flags.get("kubectlImage").orElse(DEFAULT_KUBECTL_IMAGE);
    check(problems, kubectlImage, IMAGE, "--kubectlImage: an image reference");
    if (flags.has("kubectlImage") && (target != Target.FLINK_K8S || schedule == null)) {
      problems.add("--kubectlImage applies to a scheduled flink-k8s launch only");
    }
    if (target == Target.FLINK_K8S
        && schedule != null
        && jobName != null
        && jobName.length() > MAX_SCHEDULED_FLINK_NAME) {
      problems.add(
          "--jobName of a scheduled flink-k8s launch: at most "
              + MAX_SCHEDULED_FLINK_NAME
              + " characters (each run's FlinkDeployment adds 6), got "
              + Messages.quote(jobName));
    }

    Path runnerJar = null;
    if (target != null && !target.kubernetes()) {
      runnerJar = runnerJar(target, flags.get("jarDir"), workingDir, problems);
    }
    if (flags.has("apply") && (target == null || target.kubernetes()) && !kubectlAvailable) {
      problems.add(
          "--apply runs `kubectl apply -f -`, but kubectl is not on the PATH: install it, or leave out"
              + " --apply and apply the printed manifest yourself");
    }
    if (flags.has("continuous") && schedule != null) {
      problems.add(
          "--continuous and --schedule: a continuous job runs until deleted and lands files as they"
              + " arrive; schedule runs or run continuously, not both");
    }
    if (flags.has("continuous") && target == Target.SPARK_K8S) {
      // A SparkApplication's driver that never ends holds its executors.
      problems.add(
          "--continuous runs on the direct, flink-local and flink-k8s targets: a SparkApplication's"
              + " driver would hold its executors forever; for Spark on Kubernetes use --schedule"
              + " (docs/CONTINUOUS.md)");
    }
    if (schedule != null && jobName == null) {
      problems.add(
          "--schedule needs --jobName: the name of the schedule, which every run's name and job id"
              + " start with");
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    // Without problems, the target, the template and the target's defaults are all there.
    Objects.requireNonNull(target, "a missing --target is a problem");
    Objects.requireNonNull(template, "a missing --template is a problem");
    Objects.requireNonNull(serviceAccount, "the service account defaults from the target");
    if (target.kubernetes() && jobName == null) {
      // A new resource per launch, as a new Dataflow job: applying a finished deployment's name
      // again would update it.
      jobName =
          "logberg-"
              + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
    }
    Path output = flags.get("output").map(workingDir::resolve).orElse(null);
    return new LaunchRequest(
        template,
        target,
        parameters,
        jobName,
        image,
        namespace,
        serviceAccount,
        parallelism,
        runnerJar,
        output,
        flags.has("apply"),
        schedule,
        upkeepSchedule,
        kubectlImage,
        flags.has("continuous"));
  }

  /**
   * The arguments of the runner jar's main: {@code run} (or {@code watch}), one {@code
   * --name=value} item per value, runner settings.
   */
  List<String> pipelineArgs() {
    List<String> args = new ArrayList<>();
    args.add(continuous ? "watch" : "run");
    parameters.forEach((name, value) -> args.add("--" + name + "=" + value));
    if (jobName != null) {
      // Not --jobName: that fixes the job id, and every run of this manifest (a re-deploy, a
      // scheduled run, a second launch at once) would then own the same claims.
      args.add("--appName=" + jobName);
    }
    switch (target) {
      case FLINK_LOCAL -> {
        args.add("--flinkMaster=[local]");
        args.add("--parallelism=" + parallelism);
      }
      case FLINK_K8S -> {
        if (continuous) {
          // watch runs its pod's own Flink cluster (Manifests#watchDeployment).
          args.add("--flinkMaster=[local]");
        }
        args.add("--parallelism=" + parallelism);
      }
      // On the cluster spark.master (set by the operator) wins; locally the master is the
      // parallelism.
      case SPARK_LOCAL -> args.add("--sparkMaster=local[" + parallelism + "]");
      default -> {}
    }
    return args;
  }

  /** The arguments of the runner jar's {@code upkeep}: the template's values, nothing of a run. */
  List<String> upkeepArgs() {
    List<String> args = new ArrayList<>();
    args.add("upkeep");
    parameters.forEach((name, value) -> args.add("--" + name + "=" + value));
    return args;
  }

  Manifests.Placement placement() {
    return new Manifests.Placement(
        Objects.requireNonNull(jobName, "a Kubernetes launch always has a job name"),
        namespace,
        Objects.requireNonNull(image, "--image is required for the Kubernetes targets"),
        serviceAccount,
        parallelism);
  }

  private static void check(
      List<String> problems, @Nullable String value, Pattern format, String problem) {
    if (value != null && !format.matcher(value).matches()) {
      problems.add(problem + ", got " + Messages.quote(value));
    }
  }

  private static int parallelism(Optional<String> value, List<String> problems) {
    if (value.isEmpty()) {
      return DEFAULT_PARALLELISM;
    }
    try {
      int parallelism = Integer.parseInt(value.get());
      if (parallelism >= 1 && parallelism <= MAX_PARALLELISM) {
        return parallelism;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    problems.add(
        "--parallelism must be a whole number from 1 to "
            + MAX_PARALLELISM
            + ", got "
            + Messages.quote(value.get()));
    return DEFAULT_PARALLELISM;
  }

  /**
   * {@code --jarDir}/logberg-RUNNER.jar, else the repository layout:
   * runners/RUNNER/target/logberg-RUNNER.jar under the first folder upwards from the working
   * directory that holds runners/pom.xml.
   */
  private static Path runnerJar(
      Target target, Optional<String> jarDir, Path workingDir, List<String> problems) {
    String jarName = "logberg-" + target.runner() + ".jar";
    Path jar;
    if (jarDir.isPresent()) {
      jar = workingDir.resolve(jarDir.get()).resolve(jarName).normalize();
    } else {
      Path root = workingDir;
      while (root != null && !Files.isRegularFile(root.resolve("runners/pom.xml"))) {
        root = root.getParent();
      }
      jar =
          (root == null ? workingDir : root)
              .resolve("runners/" + target.runner() + "/target/" + jarName);
    }
    if (!Files.isRegularFile(jar)) {
      problems.add(
          "the "
              + target.cliName()
              + " target runs "
              + jar
              + ", which does not exist: build it with"
              + " `mvn -B -pl runners/"
              + target.runner()
              + " -am package -DskipTests` in the repository, or pass"
              + " --jarDir FOLDER holding "
              + jarName);
    }
    return jar;
  }
}

package dev.logberg.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The templated launch, Dataflow Flex-style: {@code launch} checks parameters against a template
 * spec, then runs a runner jar on this machine or renders (and optionally applies) the Kubernetes
 * resource; {@code template} writes the spec from the pipeline's options.
 *
 * <p>Exit codes: 0 done, 2 bad arguments (every problem is listed), 1 the launch failed; a local
 * run exits with the runner's own code (see the pipeline's README).
 */
public final class Launcher {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_USAGE = 2;
  static final String TEMPLATE_FILE = "deploy/templates/spark-logs-to-iceberg.json";
  private static final String OPTIONS_CLASS = "dev.logberg.pipeline.LogbergOptions";

  private Launcher() {}

  public static void main(String[] args) {
    System.exit(
        run(
            Arrays.asList(args),
            System.out,
            System.err,
            System.getenv(),
            Path.of("").toAbsolutePath()));
  }

  /**
   * @param env the environment of the programs started (the runner JVM, kubectl); its PATH finds
   *     kubectl
   * @param workingDir where relative paths start
   */
  static int run(
      List<String> args,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Path workingDir) {
    if (args.isEmpty()) {
      printHelp(out, List.of(), workingDir);
      return BAD_USAGE;
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    String command = args.get(0);
    if (command.equals("--help") || command.equals("help") || rest.contains("--help")) {
      printHelp(out, rest, workingDir);
      return OK;
    }
    return switch (command) {
      case "launch" -> launch(rest, out, err, env, workingDir);
      case "template" -> template(rest, out, err, workingDir);
      default -> {
        err.println(
            "Unknown command "
                + Messages.quote(command)
                + ": the first argument is launch, template or"
                + " --help.");
        yield BAD_USAGE;
      }
    };
  }

  private static int launch(
      List<String> args,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Path workingDir) {
    Optional<Path> kubectl = Processes.kubectl(env);
    LaunchRequest request;
    try {
      request = LaunchRequest.parse(args, workingDir, Instant.now(), kubectl.isPresent());
    } catch (LaunchRequest.Invalid e) {
      err.println(e.getMessage());
      err.println(
          "Run with --help to see the usage, or --help --template FILE for the template's parameters.");
      return BAD_USAGE;
    }
    try {
      if (!request.target().kubernetes()) {
        return Processes.run(
            Processes.runnerCommand(
                Objects.requireNonNull(request.runnerJar(), "a local target has a runner jar"),
                request.pipelineArgs()),
            env);
      }
      String manifest = Manifests.toYaml(manifests(request));
      if (request.output() == null) {
        out.print(manifest);
        out.flush();
      } else {
        Files.writeString(request.output(), manifest, StandardCharsets.UTF_8);
        err.println("Wrote " + request.output());
      }
      if (request.apply()) {
        int code = Processes.apply(kubectl.orElseThrow(), manifest, env);
        if (code != 0) {
          err.println("kubectl apply failed with exit code " + code + " (its message is above)");
          return FAILED;
        }
      }
      return OK;
    } catch (IOException e) {
      err.println("Launch FAILED: " + e);
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("Launch interrupted");
      return FAILED;
    }
  }

  /** The resources of a Kubernetes launch: one run, or a schedule of runs (and of upkeep). */
  private static List<Map<String, Object>> manifests(LaunchRequest request) {
    boolean flink = request.target() == Target.FLINK_K8S;
    if (request.continuous()) {
      return List.of(Manifests.watchDeployment(request.placement(), request.pipelineArgs()));
    }
    if (request.schedule() == null) {
      return List.of(
          flink
              ? Manifests.flinkDeployment(request.placement(), request.pipelineArgs())
              : Manifests.sparkApplication(request.placement(), request.pipelineArgs()));
    }
    List<Map<String, Object>> manifests =
        new ArrayList<>(
            flink
                ? Manifests.scheduledFlink(
                    request.placement(),
                    request.pipelineArgs(),
                    request.schedule(),
                    request.kubectlImage())
                : List.of(
                    Manifests.scheduledSpark(
                        request.placement(), request.pipelineArgs(), request.schedule())));
    if (request.upkeepSchedule() != null) {
      manifests.add(
          Manifests.upkeepCronJob(
              request.placement(),
              request.target().runner(),
              request.upkeepArgs(),
              request.upkeepSchedule()));
    }
    return manifests;
  }

  /**
   * Reflects over LogbergOptions, so it needs the pipeline (and Beam) on the class path, unlike
   * {@code launch}.
   */
  private static int template(
      List<String> args, PrintStream out, PrintStream err, Path workingDir) {
    Flags flags = Flags.parse(args, Set.of("output"), Set.of(), Set.of());
    if (!flags.problems().isEmpty()) {
      err.println("Invalid arguments:\n  - " + String.join("\n  - ", flags.problems()));
      return BAD_USAGE;
    }
    try {
      Class.forName(OPTIONS_CLASS, false, Launcher.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      err.println(
          "The template command reads "
              + OPTIONS_CLASS
              + ", which is not on the class path."
              + " From the repository run: mvn -q -pl runners/launch exec:java -Dexec.args=\"template --output "
              + TEMPLATE_FILE
              + "\"");
      return BAD_USAGE;
    }
    String json = TemplateGenerator.logberg().toJson();
    Optional<String> output = flags.get("output");
    if (output.isEmpty()) {
      out.print(json);
      out.flush();
      return OK;
    }
    try {
      Files.writeString(workingDir.resolve(output.get()), json, StandardCharsets.UTF_8);
      err.println("Wrote " + workingDir.resolve(output.get()));
      return OK;
    } catch (IOException e) {
      err.println("Cannot write " + output.get() + ": " + e);
      return FAILED;
    }
  }

  private static void printHelp(PrintStream out, List<String> args, Path workingDir) {
    out.println(
        """
        Logberg templated launch: checks parameters against a template spec, then runs the pipeline on this machine
        or renders the Kubernetes resource that runs it.

        Usage:
          logberg-launch launch --template FILE --target TARGET [--param name=value ...] [flags]
          logberg-launch template [--output FILE]     write the spec generated from the pipeline's options
          logberg-launch --help [--template FILE]     this text [and the template's parameters]

        Targets:
          direct        java -jar runners/direct/target/logberg-direct.jar run ... (DirectRunner)
          flink-local   java -jar runners/flink/target/logberg-flink.jar run ... --flinkMaster=[local]
          spark-local   java -jar runners/spark/target/logberg-spark.jar run ... --sparkMaster=local[N]
          flink-k8s     a FlinkDeployment (Flink Kubernetes operator, application mode)
          spark-k8s     a SparkApplication (Spark operator, cluster mode)

        Flags:
          --param name=value     a template parameter; repeat for each (run --help --template FILE to list them)
          --jobName NAME         the Kubernetes resource name and the runs' name (--appName): each run's job id
                                 is NAME-<UTC time>-<random>, its own (default for k8s targets: logberg-<UTC time>)
          --parallelism N        Flink parallelism, Spark local[N] or default parallelism (default 2)
          --jarDir DIR           local targets: folder holding logberg-<runner>.jar
                                 (default: runners/<runner>/target/ of the repository around the working directory)
          --image IMAGE          k8s: required, the pushed image of deploy/flink or deploy/spark
          --namespace NS         k8s: default logberg
          --serviceAccount SA    k8s: default logberg-flink / logberg-spark
          --output FILE          k8s: write the manifest there instead of standard output
          --apply                k8s: also pipe the manifest to `kubectl apply -f -` (kubectl must be on the PATH)
          --schedule CRON        k8s: run on a schedule instead of once, e.g. --schedule "0 * * * *" (every hour):
                                 flink-k8s renders a CronJob that creates a FlinkDeployment per run (its pods run as
                                 deploy/flink/scheduler.yaml's account), spark-k8s a ScheduledSparkApplication;
                                 needs --jobName
          --upkeepSchedule CRON  k8s, with --schedule: also a CronJob that runs `upkeep` on this schedule
          --continuous           direct, flink-local, flink-k8s: run `watch` instead of `run`, one long-lived
                                 process that lands new files within about a minute (a run every 30 s, upkeep
                                 hourly); flink-k8s renders a Deployment of one pod (docs/CONTINUOUS.md)
          --kubectlImage IMAGE   scheduled flink-k8s: the kubectl that creates each run
                                 (default registry.k8s.io/kubectl:v1.31.4)

        Exit codes: 0 done, 1 the launch failed, 2 bad arguments; a local run exits with the runner's own code.""");
    Flags flags =
        Flags.parse(
            args, LaunchRequest.VALUED, Set.of("param"), Set.of("apply", "continuous", "help"));
    Optional<String> file = flags.get("template");
    if (file.isEmpty()) {
      return;
    }
    try {
      TemplateSpec spec = TemplateSpec.read(workingDir.resolve(file.get()));
      out.println();
      out.println("Template " + spec.name() + ": " + spec.description());
      for (TemplateSpec.Parameter p : spec.parameters()) {
        out.printf(
            "  %s (%s)%s%n",
            p.name(),
            p.label(),
            p.isOptional()
                ? p.defaultValue() == null
                    ? ", optional"
                    : ", optional, default " + p.defaultValue()
                : ", REQUIRED");
        out.println("      " + p.helpText());
        p.regexes().forEach(r -> out.println("      must match " + r));
      }
    } catch (IOException | IllegalArgumentException e) {
      out.println();
      out.println("Cannot read --template " + file.get() + ": " + e.getMessage());
    }
  }
}

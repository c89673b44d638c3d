package dev.logberg.launch;

import static dev.logberg.launch.ManifestsTest.at;
import static dev.logberg.launch.ManifestsTest.map;
import static dev.logberg.launch.ManifestsTest.yaml;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scheduled launches: what runs every hour, and upkeep on its own schedule. The field names and
 * values checked are those of the upstream schemas: Kubernetes batch/v1 {@code CronJobSpec} and
 * {@code JobSpec}, and the Spark operator's {@code ScheduledSparkApplication} v1beta2 CRD
 * (kubeflow/spark-operator, config/crd/bases/sparkoperator.k8s.io_scheduledsparkapplications.yaml).
 */
class ScheduleManifestsTest {
  private static final Set<String> CRON_JOB_SPEC =
      Set.of(
          "schedule",
          "timeZone",
          "startingDeadlineSeconds",
          "concurrencyPolicy",
          "suspend",
          "jobTemplate",
          "successfulJobsHistoryLimit",
          "failedJobsHistoryLimit");
  private static final Set<String> SCHEDULED_SPARK_SPEC =
      Set.of(
          "schedule",
          "timeZone",
          "suspend",
          "concurrencyPolicy",
          "successfulRunHistoryLimit",
          "failedRunHistoryLimit",
          "template");
  private static final Set<String> CONCURRENCY_POLICIES = Set.of("Allow", "Forbid", "Replace");
  private static final String HOURLY = "0 * * * *";
  private static final String NIGHTLY = "30 3 * * *";

  @Test
  void sparkRunsEveryHourAsAScheduledSparkApplicationWithUpkeepOnItsOwnSchedule() {
    List<Map<String, Object>> documents =
        render(
            "spark-k8s",
            "--jobName",
            "logs-hourly",
            "--schedule",
            HOURLY,
            "--upkeepSchedule",
            NIGHTLY);
    assertThat(kinds(documents), equalTo(List.of("ScheduledSparkApplication", "CronJob")));

    Map<String, Object> scheduled = documents.get(0);
    assertThat(scheduled.get("apiVersion"), equalTo("sparkoperator.k8s.io/v1beta2"));
    assertThat(at(scheduled, "metadata", "name"), equalTo("logs-hourly"));
    Map<String, Object> spec = map(scheduled.get("spec"));
    assertThat(spec.keySet(), everyItem(is(in(SCHEDULED_SPARK_SPEC))));
    assertThat(spec.get("schedule"), equalTo(HOURLY));
    assertThat(spec.get("concurrencyPolicy"), equalTo("Forbid"));
    assertThat(spec.get("successfulRunHistoryLimit"), equalTo(3));
    assertThat(spec.get("failedRunHistoryLimit"), equalTo(3));
    // Each run is the one-off launch's SparkApplication; its job id is its own (--appName, never
    // a fixed --jobName).
    Map<String, Object> oneOff = map(render("spark-k8s", "--jobName", "logs-hourly").get(0));
    assertThat(spec.get("template"), equalTo(oneOff.get("spec")));
    List<String> arguments = at(spec, "template", "arguments");
    assertThat(arguments, hasItem("--appName=logs-hourly"));
    assertThat(
        arguments.stream().filter(a -> a.startsWith("--jobName")).toList(), equalTo(List.of()));

    assertUpkeep(
        documents.get(1), "logs-hourly", "logberg-spark", "/opt/logberg/logberg-spark.jar", 185);
  }

  @Test
  void flinkRunsEveryHourThroughACronJobThatCreatesAFlinkDeploymentPerRun() throws Exception {
    List<Map<String, Object>> documents =
        render(
            "flink-k8s",
            "--jobName",
            "logs-hourly",
            "--schedule",
            HOURLY,
            "--upkeepSchedule",
            NIGHTLY);
    assertThat(kinds(documents), equalTo(List.of("ConfigMap", "CronJob", "CronJob")));

    // The run: the one-off FlinkDeployment, named by the API server per run.
    Map<String, Object> run =
        map(yaml().load((String) at(documents.get(0), "data", "flinkdeployment.yaml")));
    Map<String, Object> oneOff = map(render("flink-k8s", "--jobName", "logs-hourly").get(0));
    assertThat(at(run, "metadata", "generateName"), equalTo("logs-hourly-"));
    assertThat(map(run.get("metadata")).containsKey("name"), is(false));
    assertThat(at(run, "metadata", "labels"), equalTo(at(oneOff, "metadata", "labels")));
    Map<String, Object> configuration = at(run, "spec", "flinkConfiguration");
    assertThat(
        configuration.remove("kubernetes.operator.jm-deployment.shutdown-ttl"), equalTo("1 h"));
    assertThat(run.get("spec"), equalTo(oneOff.get("spec")));

    Map<String, Object> cronJob = documents.get(1);
    assertCronJob(cronJob, "logs-hourly", HOURLY);
    Map<String, Object> pod = at(cronJob, "spec", "jobTemplate", "spec", "template", "spec");
    assertThat(pod.get("serviceAccountName"), equalTo("logberg-flink-scheduler"));
    Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
    assertThat(container.get("image"), equalTo(LaunchRequest.DEFAULT_KUBECTL_IMAGE));
    assertThat(
        container.get("args"),
        equalTo(
            List.of(
                "create",
                "--namespace",
                "logberg",
                "--filename",
                "/etc/logberg/flinkdeployment.yaml")));
    assertThat(
        pod.get("volumes"),
        equalTo(
            List.of(
                Map.of(
                    "name",
                    "run",
                    "configMap",
                    Map.of("name", at(documents.get(0), "metadata", "name"))))));

    // The scheduler's account exists in deploy/flink/scheduler.yaml and may create
    // FlinkDeployments.
    String rbac = Files.readString(Launched.ROOT.resolve("deploy/flink/scheduler.yaml"));
    assertThat(rbac, containsString("name: logberg-flink-scheduler"));
    assertThat(rbac, containsString("resources: [\"flinkdeployments\"]"));

    assertUpkeep(
        documents.get(2),
        "logs-hourly",
        "logberg-flink",
        "/opt/flink/usrlib/logberg-flink.jar",
        9999);
  }

  @Test
  void badSchedulesAreRefusedWithWhatToFix() {
    Launched launched =
        Launched.run(
            System.getenv(),
            launch("flink-k8s", "--schedule", "every hour", "--upkeepSchedule", "0 3 * *"));
    assertThat(launched.code(), is(Launcher.BAD_USAGE));
    assertThat(launched.err(), containsString("--schedule: a cron line of five fields"));
    assertThat(launched.err(), containsString("--upkeepSchedule: a cron line of five fields"));
    assertThat(launched.err(), containsString("--schedule needs --jobName"));

    Launched tooLong =
        Launched.run(
            System.getenv(),
            launch("flink-k8s", "--schedule", "@hourly", "--jobName", "a".repeat(40)));
    assertThat(tooLong.err(), containsString("at most 39 characters"));

    Launched upkeepAlone =
        Launched.run(
            System.getenv(),
            launch("spark-k8s", "--jobName", "logs", "--upkeepSchedule", "@daily"));
    assertThat(upkeepAlone.err(), containsString("--upkeepSchedule comes with --schedule"));
  }

  private static void assertCronJob(Map<String, Object> cronJob, String name, String schedule) {
    assertThat(cronJob.get("apiVersion"), equalTo("batch/v1"));
    assertThat(at(cronJob, "metadata", "name"), equalTo(name));
    Map<String, Object> spec = map(cronJob.get("spec"));
    assertThat(spec.keySet(), everyItem(is(in(CRON_JOB_SPEC))));
    assertThat(spec.get("schedule"), equalTo(schedule));
    assertThat((String) spec.get("concurrencyPolicy"), is(in(CONCURRENCY_POLICIES)));
    assertThat(spec.get("concurrencyPolicy"), equalTo("Forbid"));
    assertThat(spec.get("successfulJobsHistoryLimit"), equalTo(3));
    assertThat(spec.get("failedJobsHistoryLimit"), equalTo(3));
    assertThat(spec.get("startingDeadlineSeconds"), equalTo(600));
    assertThat(at(spec, "jobTemplate", "spec", "backoffLimit"), equalTo(0));
    Map<String, Object> pod = at(spec, "jobTemplate", "spec", "template", "spec");
    // A Job's pods may only restart OnFailure or Never.
    assertThat(pod.get("restartPolicy"), equalTo("Never"));
  }

  private static void assertUpkeep(
      Map<String, Object> cronJob, String name, String account, String jar, int user) {
    assertCronJob(cronJob, name + "-upkeep", NIGHTLY);
    Map<String, Object> pod = at(cronJob, "spec", "jobTemplate", "spec", "template", "spec");
    assertThat(pod.get("serviceAccountName"), equalTo(account));
    assertThat(
        pod.get("securityContext"), equalTo(Map.of("runAsNonRoot", true, "runAsUser", user)));
    Map<String, Object> container = map(((List<?>) pod.get("containers")).get(0));
    assertThat(
        container.get("command"),
        equalTo(
            List.of(
                "java",
                "-jar",
                jar,
                "upkeep",
                "--input=s3://acme-logs/spark-application-logs/team-a",
                "--warehouse=s3://acme-lake/warehouse",
                "--catalogType=glue",
                "--region=eu-west-1")));
  }

  private static List<String> kinds(List<Map<String, Object>> documents) {
    return documents.stream().map(d -> (String) d.get("kind")).toList();
  }

  private static List<String> launch(String target, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "launch",
                "--template",
                Launched.TEMPLATE,
                "--target",
                target,
                "--image",
                "registry.example.com/logberg:1.0",
                "--param",
                "warehouse=s3://acme-lake/warehouse",
                "--param",
                "input=s3://acme-logs/spark-application-logs/team-a",
                "--param",
                "catalogType=glue",
                "--param",
                "region=eu-west-1"));
    args.addAll(List.of(more));
    return args;
  }

  private static List<Map<String, Object>> render(String target, String... more) {
    Launched launched = Launched.run(System.getenv(), launch(target, more));
    assertThat(launched.err(), launched.code(), is(Launcher.OK));
    List<Map<String, Object>> documents = new ArrayList<>();
    yaml().loadAll(launched.out()).forEach(d -> documents.add(map(d)));
    return documents;
  }
}

package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogbergK8sScriptTest {
  @TempDir Path tmp;

  /** A value a shell would run if it were ever evaluated: the marker file appears. */
  private String hostile(Path marker) {
    return "s3://logs-bucket/prod/team-a'b; $(touch " + marker + ")";
  }

  @Test
  void isValidBash() throws Exception {
    Process check =
        new ProcessBuilder(DeployScript.BASH, "-n", DeployScript.SCRIPT.toString())
            .inheritIO()
            .start();
    assertEquals(0, check.waitFor());
  }

  @Test
  void helpListsTheVerbsAndExitsZero() throws Exception {
    DeployScript help = DeployScript.run("--help");
    assertEquals(0, help.code());
    for (String verb :
        List.of("deploy", "status", "logs", "monitor", "verify", "cleanup", "unschedule")) {
      assertThat(help.out(), containsString("\n  " + verb + " "));
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "frobnicate --engine flink | unknown verb 'frobnicate': use deploy, status, logs, monitor, verify, cleanup or unschedule",
        "status --engine ray | unknown engine 'ray': use --engine flink or --engine spark",
        "status | --engine is required",
        "status --engine flink --bogus x | unknown option: --bogus",
        "status --engine flink --jobName A_b | --jobName 'A_b' must be lowercase letters",
        "deploy --engine spark --param novalue | --param takes name=value, not 'novalue'",
        "monitor --engine spark --timeout 0 | --timeout must be a positive number of seconds",
        "monitor --engine spark --interval | --interval needs a value",
        "deploy --engine spark --continuous | --continuous runs on flink",
        "monitor --engine flink --continuous | a continuous job never ends: use status or logs",
      })
  void badUsageIsRefusedWithItsReason(String args, String message) throws Exception {
    DeployScript result = DeployScript.run(args.split(" "));
    assertEquals(2, result.code(), result.err());
    assertThat(result.err(), containsString(message));
    assertThat(result.out(), is(emptyString()));
  }

  @ParameterizedTest
  @CsvSource({"status, kubectl", "cleanup, kubectl", "deploy, java"})
  void aMissingToolIsNamed(String verb, String tool) throws Exception {
    Path emptyPath = Files.createDirectory(tmp.resolve("bin"));
    DeployScript result =
        DeployScript.run(Map.of("PATH", emptyPath.toString()), verb, "--engine", "flink");
    assertEquals(2, result.code());
    assertThat(result.err(), containsString(tool + " is not on PATH"));
  }

  @Test
  void dryRunDeployRendersThenAppliesWithEachValueAsOneArgument() throws Exception {
    Path marker = tmp.resolve("pwned");
    Path manifest = tmp.resolve("rendered dir/nightly.yaml");
    DeployScript result =
        DeployScript.run(
            "--dry-run",
            "deploy",
            "--engine",
            "flink",
            "--jobName",
            "nightly",
            "--image",
            "registry.example.com/logberg-flink:1.0",
            "--output",
            manifest.toString(),
            "--param",
            "input=" + hostile(marker),
            "--param=region=eu-west-1");

    assertEquals(0, result.code(), result.err());
    assertEquals(
        List.of(
            List.of(
                "java",
                "-jar",
                ROOT.resolve("runners/launch/target/logberg-launch.jar").toString(),
                "launch",
                "--template",
                ROOT.resolve("deploy/templates/spark-logs-to-iceberg.json").toString(),
                "--target",
                "flink-k8s",
                "--namespace",
                "logberg",
                "--serviceAccount",
                "logberg-flink",
                "--jobName",
                "nightly",
                "--output",
                manifest.toString(),
                "--image",
                "registry.example.com/logberg-flink:1.0",
                "--param",
                "input=" + hostile(marker),
                "--param",
                "region=eu-west-1"),
            List.of(
                "kubectl", "apply", "--namespace", "logberg", "--filename", manifest.toString())),
        result.commands());
    assertFalse(Files.exists(marker), "a user value was run by a shell");
  }

  /**
   * "Run every hour" end to end: deploy renders and applies the schedule; unschedule removes it.
   */
  @Test
  void dryRunDeployOfAScheduleAndUnscheduleNameWhatTheLauncherRenders() throws Exception {
    DeployScript deploy =
        dryRunDeploy("spark", "hourly", "--schedule", "0 * * * *", "--upkeepSchedule=30 3 * * *");
    List<String> launch = deploy.commands().get(0);
    assertEquals(
        List.of("--schedule", "0 * * * *", "--upkeepSchedule", "30 3 * * *"),
        launch.subList(launch.indexOf("--schedule"), launch.indexOf("--schedule") + 4));
    for (String engine : List.of("flink", "spark")) {
      DeployScript unschedule =
          DeployScript.run("--dry-run", "unschedule", "--engine", engine, "--jobName", "hourly");
      assertEquals(0, unschedule.code(), unschedule.err());
      List<List<String>> deletes =
          engine.equals("flink")
              ? List.of(
                  List.of("cronjob", "hourly"),
                  List.of("configmap", "hourly-run"),
                  List.of("cronjob", "hourly-upkeep"))
              : List.of(
                  List.of("scheduledsparkapplications.sparkoperator.k8s.io", "hourly"),
                  List.of("cronjob", "hourly-upkeep"));
      assertEquals(
          deletes.stream()
              .map(
                  d ->
                      List.of(
                          "kubectl",
                          "delete",
                          d.get(0),
                          d.get(1),
                          "--namespace",
                          "logberg",
                          "--ignore-not-found"))
              .toList(),
          unschedule.commands());
    }
  }

  /**
   * A continuous Flink job end to end: deploy renders and applies the Deployment of `watch`;
   * status, logs and cleanup act on that Deployment and its pod.
   */
  @Test
  void dryRunOfAContinuousFlinkJobActsOnItsDeployment() throws Exception {
    DeployScript deploy = dryRunDeploy("flink", "fresh", "--continuous");
    assertThat(deploy.commands().get(0).contains("--continuous"), is(true));

    String selector = "app.kubernetes.io/instance=fresh,app.kubernetes.io/component=flink";
    DeployScript status =
        DeployScript.run(
            "--dry-run", "status", "--engine", "flink", "--jobName", "fresh", "--continuous");
    assertEquals(0, status.code(), status.err());
    assertEquals(
        List.of("kubectl", "get", "deployments.apps", "fresh"),
        status.commands().get(0).subList(0, 4));
    assertThat(status.commands().get(1), hasItem(selector));
    DeployScript logs =
        DeployScript.run(
            "--dry-run", "logs", "--engine", "flink", "--jobName", "fresh", "--continuous");
    assertEquals(0, logs.code(), logs.err());
    assertThat(logs.commands().get(0), hasItem(selector));
    DeployScript cleanup =
        DeployScript.run(
            "--dry-run", "cleanup", "--engine", "flink", "--jobName", "fresh", "--continuous");
    assertEquals(0, cleanup.code(), cleanup.err());
    assertEquals(
        List.of(
            "kubectl",
            "delete",
            "deployments.apps",
            "fresh",
            "--namespace",
            "logberg",
            "--ignore-not-found"),
        cleanup.commands().get(0));
  }

  /**
   * A dry run of {@code deploy} of team-a's logs with {@code options}: it renders the manifest,
   * then applies the file it rendered.
   */
  private DeployScript dryRunDeploy(String engine, String jobName, String... options)
      throws Exception {
    Path manifest = tmp.resolve(jobName + ".yaml");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--dry-run",
                "deploy",
                "--engine",
                engine,
                "--jobName",
                jobName,
                "--image",
                "registry.example.com/logberg-" + engine + ":1.0",
                "--output",
                manifest.toString(),
                "--param",
                "input=s3://logs/team-a"));
    args.addAll(List.of(options));
    DeployScript deploy = DeployScript.run(args.toArray(String[]::new));
    assertEquals(0, deploy.code(), deploy.err());
    assertEquals(
        List.of("kubectl", "apply", "--namespace", "logberg", "--filename", manifest.toString()),
        deploy.commands().get(1));
    return deploy;
  }

  @Test
  void dryRunStatusAsksForTheFlinkDeploymentAndItsPods() throws Exception {
    DeployScript result =
        DeployScript.run(
            "status",
            "--engine",
            "flink",
            "--jobName",
            "nightly",
            "--namespace",
            "data-jobs",
            "--dry-run");

    assertEquals(0, result.code(), result.err());
    assertEquals(
        List.of(
            List.of(
                "kubectl",
                "get",
                "flinkdeployments.flink.apache.org",
                "nightly",
                "--namespace",
                "data-jobs",
                "--output",
                "custom-columns=NAME:.metadata.name,JOB:.status.jobStatus.state,"
                    + "LIFECYCLE:.status.lifecycleState,JOBMANAGER:.status.jobManagerDeploymentStatus"),
            List.of(
                "kubectl",
                "get",
                "pods",
                "--namespace",
                "data-jobs",
                "--selector",
                "app=nightly",
                "--output",
                "wide")),
        result.commands());
  }

  @Test
  void dryRunCleanupDeletesTheSparkApplication() throws Exception {
    DeployScript result =
        DeployScript.run("--dry-run", "cleanup", "--engine", "spark", "--jobName", "nightly");

    assertEquals(0, result.code(), result.err());
    assertEquals(
        List.of(
            List.of(
                "kubectl",
                "delete",
                "sparkapplications.sparkoperator.k8s.io",
                "nightly",
                "--namespace",
                "logberg",
                "--ignore-not-found"),
            List.of(
                "kubectl",
                "delete",
                "pod",
                "nightly-verify",
                "--namespace",
                "logberg",
                "--ignore-not-found")),
        result.commands());
  }

  @Test
  void dryRunLogsFollowsTheSparkDriver() throws Exception {
    DeployScript result =
        DeployScript.run(
            "--dry-run", "logs", "--engine", "spark", "--jobName", "nightly", "--follow");

    assertEquals(
        List.of(
            List.of(
                "kubectl",
                "logs",
                "--namespace",
                "logberg",
                "--selector",
                "sparkoperator.k8s.io/app-name=nightly,spark-role=driver",
                "--all-containers",
                "--tail=-1",
                "--follow")),
        result.commands());
  }

  @Test
  void dryRunVerifyRunsThePipelinesVerifyInAPodAsTheJobsAccount() throws Exception {
    Path marker = tmp.resolve("pwned");
    DeployScript result =
        DeployScript.run(
            "--dry-run",
            "verify",
            "--engine",
            "spark",
            "--jobName",
            "nightly",
            "--image",
            "registry.example.com/logberg-spark:1.0",
            "--param",
            "input=" + hostile(marker),
            "--param",
            "catalogType=glue",
            "--",
            "--table=app_logs");

    assertEquals(0, result.code(), result.err());
    assertEquals(
        List.of(
            List.of(
                "kubectl",
                "run",
                "nightly-verify",
                "--namespace",
                "logberg",
                "--image",
                "registry.example.com/logberg-spark:1.0",
                "--restart=Never",
                "--rm",
                "--attach",
                "--quiet",
                "--overrides",
                "{\"apiVersion\":\"v1\",\"spec\":{\"serviceAccountName\":\"logberg-spark\","
                    + "\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":185}}}",
                "--command",
                "--",
                "java",
                "-jar",
                "/opt/logberg/logberg-spark.jar",
                "verify",
                "--input=" + hostile(marker),
                "--catalogType=glue",
                "--table=app_logs")),
        result.commands());
    assertFalse(Files.exists(marker), "a user value was run by a shell");
  }

  @Test
  void deployNeedsTheImage() throws Exception {
    DeployScript result =
        DeployScript.run("--dry-run", "deploy", "--engine", "spark", "--jobName", "nightly");
    assertEquals(2, result.code());
    assertThat(
        result.err(),
        containsString("deploy needs --image: the image of deploy/spark/Dockerfile pushed"));
    assertThat("nothing rendered or applied", result.commands(), is(List.of()));
  }

  @Test
  void verifyInAPodNeedsTheImage() throws Exception {
    DeployScript result = DeployScript.run("--dry-run", "verify", "--engine", "flink");
    assertEquals(2, result.code());
    assertThat(result.err(), containsString("verify needs --image"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // engine | states kubectl reports, one per poll | --timeout | exit code | what stderr says
        "flink | /,RECONCILING/DEPLOYED,RUNNING/STABLE,FINISHED/STABLE | 60 | 0 | ",
        "flink | RUNNING/STABLE,FAILED/STABLE | 60 | 1 | the job ended FAILED/STABLE: the operator's error",
        "flink | /,/FAILED | 60 | 1 | the job ended /FAILED: the operator's error",
        "spark | SUBMITTED,RUNNING,COMPLETED | 60 | 0 | ",
        "spark | RUNNING,SUBMISSION_FAILED | 60 | 1 | the job ended SUBMISSION_FAILED: the operator's error",
        "spark | RUNNING | 2 | 124 | timed out after 2 s; the job is still RUNNING",
      })
  void monitorPollsUntilTheJobEnds(
      String engine, String states, String timeout, int code, String message) throws Exception {
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Files.write(tmp.resolve("states"), List.of(states.split(",")));
    // kubectl stand-in: answers each state query with the next state (the last one repeats), an
    // error query with
    // a fixed message, and logs every call.
    Path kubectl = bin.resolve("kubectl");
    Files.writeString(
        kubectl,
        String.join(
            "\n",
            "#!/bin/bash",
            "printf '%s\\n' \"$*\" >> \"$FAKE_DIR/calls\"",
            "case \"$*\" in *error*) printf \"the operator's error\"; exit 0 ;; esac",
            "n=$(( $(cat \"$FAKE_DIR/count\" 2>/dev/null || echo 0) + 1 )); echo \"$n\" > \"$FAKE_DIR/count\"",
            "state=$(sed -n \"${n}p\" \"$FAKE_DIR/states\"); [ -n \"$state\" ] || state=$(tail -n 1 \"$FAKE_DIR/states\")",
            "printf '%s' \"$state\"",
            ""));
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));

    DeployScript result =
        DeployScript.run(
            Map.of("PATH", bin + ":/usr/bin:/bin", "FAKE_DIR", tmp.toString()),
            "monitor",
            "--engine",
            engine,
            "--jobName",
            "nightly",
            "--interval",
            "1",
            "--timeout",
            timeout);

    assertEquals(code, result.code(), result.out() + result.err());
    if (message != null) {
      assertThat(result.err(), containsString(message));
    }
    String resource =
        engine.equals("flink")
            ? "flinkdeployments.flink.apache.org"
            : "sparkapplications.sparkoperator.k8s.io";
    String statePath =
        engine.equals("flink")
            ? "{.status.jobStatus.state}/{.status.lifecycleState}"
            : "{.status.applicationState.state}";
    assertThat(
        Files.readAllLines(tmp.resolve("calls")).get(0),
        is("get " + resource + " nightly --namespace logberg --output jsonpath=" + statePath));
  }
}

package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every class of bad launch input is refused with exit code 2, a message naming it, and nothing
 * rendered or run.
 */
class LaunchValidationTest {
  private static final String[] VALID = {
    "launch",
    "--template",
    Launched.TEMPLATE,
    "--target",
    "flink-k8s",
    "--jobName",
    "logberg-test",
    "--image",
    "registry.example.com/logberg-flink:1.0",
    "--param",
    "input=s3://logs/team-a",
    "--param",
    "warehouse=s3://lake/warehouse"
  };

  @Test
  void validLaunchIsAccepted() {
    Launched launched = Launched.run(VALID);
    assertThat(launched.err(), launched.code(), is(Launcher.OK));
  }

  @Test
  void unknownParameter() {
    assertRefused(
        with("--param", "inputs=/data"),
        containsString(
            "unknown parameter 'inputs' (the template spark-logs-to-iceberg has: input, warehouse,"));
  }

  @Test
  void missingRequiredParameters() {
    assertRefused(
        List.of("launch", "--template", Launched.TEMPLATE, "--target", "direct"),
        containsString(
            "missing required parameter input (Input folders): Folders whose spark-* subfolders"),
        containsString("missing required parameter warehouse (Warehouse)"));
  }

  @Test
  void regexMismatchNamesParameterValueAndRegex() {
    assertRefused(
        with("--param", "region=Mars-1", "--param", "database=logs\nkind: Secret"),
        containsString("parameter region: 'Mars-1' does not match ^([a-z]{2}(-[a-z]+)+-[0-9])$"),
        containsString(
            "parameter database: 'logs\\nkind: Secret' does not match ^([A-Za-z_][A-Za-z0-9_]*)$"));
  }

  @Test
  void nulCharacterNoProcessCouldReceive() {
    assertRefused(
        with("--param", "catalogProperties=k=a\0b"),
        containsString("parameter catalogProperties: 'k=a\\u0000b' holds a NUL character"));
  }

  @Test
  void malformedAndRepeatedParameters() {
    assertRefused(
        with("--param", "region", "--param", "=x", "--param", "input=/other"),
        containsString("--param needs name=value, got 'region'"),
        containsString("--param needs name=value, got '=x'"),
        containsString("parameter input is given more than once"));
  }

  @Test
  void flagProblems() {
    assertRefused(
        List.of(
            "launch",
            "--template",
            Launched.TEMPLATE,
            "--target",
            "yarn",
            "--targets",
            "x",
            "stray",
            "--jobName",
            "Logberg_Run",
            "--namespace",
            "Prod Space",
            "--image",
            "img; rm -rf /",
            "--serviceAccount",
            "$(id)",
            "--parallelism",
            "0",
            "--apply=yes",
            "--param"),
        containsString(
            "--target 'yarn' is not one of direct|flink-local|spark-local|flink-k8s|spark-k8s"),
        containsString("unknown flag --targets"),
        containsString("unexpected argument 'stray'"),
        containsString(
            "--jobName: lowercase letters, digits and '-', starting with a letter, at most 45 characters,"
                + " got 'Logberg_Run'"),
        containsString(
            "--namespace: a Kubernetes namespace (lowercase letters, digits, '-'), got 'Prod Space'"),
        containsString("--image: an image reference"),
        containsString(
            "--serviceAccount: a Kubernetes name (lowercase letters, digits, '-', '.'), got '$(id)'"),
        containsString("--parallelism must be a whole number from 1 to 1024, got '0'"),
        containsString("--apply takes no value"),
        containsString("--param needs a value"));
  }

  /**
   * A bare default like logberg-flink:0.1.0 would be pulled from Docker Hub and never start: no
   * default.
   */
  @Test
  void kubernetesTargetsNeedAnImage() {
    for (String runner : List.of("flink", "spark")) {
      assertRefused(
          List.of(
              "launch",
              "--template",
              Launched.TEMPLATE,
              "--target",
              runner + "-k8s",
              "--param",
              "input=s3://logs/team-a",
              "--param",
              "warehouse=s3://lake/warehouse"),
          containsString(
              "--image is required for --target "
                  + runner
                  + "-k8s: the image built from deploy/"
                  + runner
                  + "/Dockerfile and pushed to a registry the cluster can pull from, e.g. --image "
                  + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/logberg-"
                  + runner
                  + ":0.1.0"));
    }
  }

  @Test
  void missingTargetAndTemplate() {
    assertRefused(
        List.of("launch", "--param", "input=/data"),
        containsString("--target is required: direct|flink-local|spark-local|flink-k8s|spark-k8s"),
        containsString("--template is required"));
  }

  @Test
  void unreadableTemplate() {
    assertRefused(
        List.of("launch", "--template", "deploy/templates/none.json", "--target", "flink-k8s"),
        containsString(
            "--template deploy/templates/none.json: no such file ("
                + Launched.ROOT.resolve("deploy/templates/none.json")
                + ")"));
  }

  @Test
  void flagsOfAnotherTarget(@TempDir Path jars) throws Exception {
    Files.createFile(jars.resolve("logberg-direct.jar"));
    assertRefused(
        List.of(
            "launch",
            "--template",
            Launched.TEMPLATE,
            "--target",
            "direct",
            "--jarDir",
            jars.toString(),
            "--param",
            "input=/data",
            "--param",
            "warehouse=/lake",
            "--image",
            "x:1",
            "--namespace",
            "ns",
            "--serviceAccount",
            "sa",
            "--output",
            "x.yaml",
            "--apply",
            "--parallelism",
            "4"),
        containsString("--image applies to the flink-k8s and spark-k8s targets only"),
        containsString("--namespace applies to the flink-k8s and spark-k8s targets only"),
        containsString("--serviceAccount applies to the flink-k8s and spark-k8s targets only"),
        containsString("--output applies to the flink-k8s and spark-k8s targets only"),
        containsString("--apply applies to the flink-k8s and spark-k8s targets only"),
        containsString("--parallelism applies to the Flink and Spark targets only"));
    assertRefused(
        with("--jarDir", jars.toString()),
        containsString("--jarDir applies to the local targets only"));
  }

  @Test
  void missingRunnerJarNamesItAndHowToBuildIt(@TempDir Path empty) {
    assertRefused(
        List.of(
            "launch",
            "--template",
            Launched.TEMPLATE,
            "--target",
            "spark-local",
            "--jarDir",
            empty.toString(),
            "--param",
            "input=/data",
            "--param",
            "warehouse=/lake"),
        containsString(
            "the spark-local target runs "
                + empty.resolve("logberg-spark.jar")
                + ", which does not exist: build it with `mvn -B -pl runners/spark -am package -DskipTests`"));
  }

  @Test
  void applyWithoutKubectlOnThePath(@TempDir Path emptyBin) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PATH", emptyBin.toString());
    Launched launched = Launched.run(env, with("--apply"));
    assertThat(launched.code(), is(Launcher.BAD_USAGE));
    assertThat(
        launched.err(),
        containsString("--apply runs `kubectl apply -f -`, but kubectl is not on the PATH"));
    assertThat(launched.out(), emptyString());
  }

  @Test
  void unknownCommandAndHelp() {
    Launched unknown = Launched.run("deploy");
    assertThat(unknown.code(), is(Launcher.BAD_USAGE));
    assertThat(
        unknown.err(),
        containsString(
            "Unknown command 'deploy': the first argument is launch, template or" + " --help."));
    Launched flagFirst = Launched.run("--target", "direct", "launch");
    assertThat(flagFirst.code(), is(Launcher.BAD_USAGE));
    assertThat(flagFirst.err(), containsString("Unknown command '--target'"));
    Launched none = Launched.run();
    assertThat(none.code(), is(Launcher.BAD_USAGE));
    assertThat(none.out(), containsString("Usage:"));

    Launched help = Launched.run("launch", "--help", "--template", Launched.TEMPLATE);
    assertThat(help.code(), is(Launcher.OK));
    assertThat(
        help.out(),
        allOf(
            containsString("Usage:"),
            containsString("spark-k8s"),
            containsString("input (Input folders), REQUIRED"),
            containsString("catalogType (Catalog type), optional," + " default jdbc"),
            containsString("must match ^(glue|rest|jdbc|hadoop)$")));
  }

  @SafeVarargs
  private static void assertRefused(List<String> args, Matcher<String>... messages) {
    Launched launched = Launched.run(System.getenv(), args);
    assertThat(launched.err(), launched.code(), is(Launcher.BAD_USAGE));
    assertThat(launched.err(), containsString("Invalid launch:"));
    for (Matcher<String> message : messages) {
      assertThat(launched.err(), message);
    }
    assertThat("nothing is rendered", launched.out(), emptyString());
  }

  private static List<String> with(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of(VALID));
    args.addAll(List.of(more));
    return args;
  }
}

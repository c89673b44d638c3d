package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code logberg-k8s.sh deploy} for real: the launcher jar renders the manifest, and what reaches
 * {@code kubectl apply} (a stand-in that keeps the file) names the image's jar where the Dockerfile
 * puts it, the service account of deploy/, and every parameter intact.
 */
class LogbergK8sDeployIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"flink", "spark"})
  void deployAppliesWhatTheLauncherRendered(String engine) throws Exception {
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Path kubectl = bin.resolve("kubectl");
    Files.writeString(
        kubectl,
        String.join(
            "\n",
            "#!/bin/bash",
            "printf '%s\\n' \"$*\" > \"$FAKE_DIR/call\"",
            "cp \"${@: -1}\" \"$FAKE_DIR/applied.yaml\"",
            ""));
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
    Path marker = tmp.resolve("pwned");
    String input = "s3://logs-bucket/prod/team-a'b; $(touch " + marker + ")";
    String image = "registry.example.com/logberg-" + engine + ":1.0";

    DeployScript result =
        DeployScript.run(
            Map.of("PATH", bin + ":" + System.getenv("PATH"), "FAKE_DIR", tmp.toString()),
            "deploy",
            "--engine",
            engine,
            "--jobName",
            "nightly",
            "--image",
            image,
            "--launcher",
            System.getProperty(
                "logberg.launchJar", ROOT + "/runners/launch/target/logberg-launch.jar"),
            "--param",
            "input=" + input,
            "--param",
            "catalogType=glue",
            "--param",
            "warehouse=s3://lake-bucket/warehouse",
            "--param",
            "region=eu-west-1");

    assertEquals(0, result.code(), result.out() + result.err());
    assertThat(
        Files.readString(tmp.resolve("call")), startsWith("apply --namespace logberg --filename "));
    Map<String, Object> manifest =
        map(
            new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(tmp.resolve("applied.yaml"))));
    assertEquals(
        Map.of("flink", "FlinkDeployment", "spark", "SparkApplication").get(engine),
        manifest.get("kind"));
    assertEquals("nightly", map(manifest.get("metadata")).get("name"));
    assertEquals("logberg", map(manifest.get("metadata")).get("namespace"));
    Map<String, Object> spec = map(manifest.get("spec"));
    assertEquals(image, spec.get("image"));

    String jarInImage =
        Files.readAllLines(ROOT.resolve("deploy/" + engine + "/Dockerfile")).stream()
            .filter(line -> line.startsWith("COPY "))
            .findFirst()
            .orElseThrow()
            .split(" ", -1)[2];
    String[] expectedArgs = {
      "run",
      "--input=" + input,
      "--catalogType=glue",
      "--warehouse=s3://lake-bucket/warehouse",
      "--region=eu-west-1",
      "--appName=nightly"
    };
    if (engine.equals("flink")) {
      Map<String, Object> job = map(spec.get("job"));
      assertEquals("local://" + jarInImage, job.get("jarURI"));
      assertEquals("logberg-flink", spec.get("serviceAccount"));
      assertThat(strings(job.get("args")), hasItems(expectedArgs));
    } else {
      assertEquals("local://" + jarInImage, spec.get("mainApplicationFile"));
      assertEquals("logberg-spark", map(spec.get("driver")).get("serviceAccount"));
      assertEquals("logberg-spark", map(spec.get("executor")).get("serviceAccount"));
      assertThat(strings(spec.get("arguments")), hasItems(expectedArgs));
    }
    assertFalse(Files.exists(marker), "a user value was run by a shell");
  }

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String.class::cast).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object map) {
    return (Map<String, Object>) map;
  }
}

package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes resource the launcher jar renders for a launch, as {@code logberg-k8s.sh deploy}
 * renders it: what the cluster tests run, so they run exactly what a deployment would.
 */
final class RenderedLaunch {
  private RenderedLaunch() {}

  /**
   * Renders {@code target} (flink-k8s or spark-k8s) named {@code jobName} with the template
   * parameters {@code params} (each name=value) into {@code work}, and returns the manifest.
   */
  static Map<String, Object> render(Path work, String target, String jobName, List<String> params)
      throws Exception {
    return render(work, target, jobName, params, List.of());
  }

  /** Like {@link #render(Path, String, String, List)}, with launcher {@code switches} added. */
  static Map<String, Object> render(
      Path work, String target, String jobName, List<String> params, List<String> switches)
      throws Exception {
    Path manifest = work.resolve(target + ".yaml");
    List<String> line =
        TestJvm.java(
            "-jar",
            RunnerJar.REPO.resolve("runners/launch/target/logberg-launch.jar").toString(),
            "launch",
            "--template",
            RunnerJar.REPO.resolve("deploy/templates/spark-logs-to-iceberg.json").toString(),
            "--target",
            target,
            "--jobName",
            jobName,
            "--image",
            "registry.example.com/logberg:test",
            "--output",
            manifest.toString());
    line.addAll(switches);
    for (String param : params) {
      line.addAll(List.of("--param", param));
    }
    Process launcher = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output, launcher.waitFor(), is(0));
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(manifest));
  }

  /** The pipeline arguments of a rendered SparkApplication, after its {@code run} command. */
  @SuppressWarnings("unchecked")
  static List<String> sparkArguments(Map<String, Object> manifest) {
    List<String> arguments =
        (List<String>) ((Map<String, Object>) manifest.get("spec")).get("arguments");
    assertThat(arguments.get(0), is("run"));
    return arguments.subList(1, arguments.size());
  }
}

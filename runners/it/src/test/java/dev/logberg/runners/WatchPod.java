package dev.logberg.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pod of a rendered {@code watch} Deployment, run as the kubelet runs it: its one container's
 * command, with the image's jar mapped to this build's, in a JVM that sizes itself to the
 * container's memory limit as it would in the pod ({@code -XX:MaxRAM}). Only the interval is the
 * test's ({@code --commitEverySeconds=2}); everything else is the manifest's.
 */
final class WatchPod {
  private static final String IMAGE_JAR = "/opt/flink/usrlib/logberg-flink.jar";

  private final List<String> command;
  private final String memoryLimit;
  private final int graceSeconds;
  private final Path logs;

  @SuppressWarnings("unchecked")
  WatchPod(Map<String, Object> deployment, Path logs) {
    assertThat(deployment.toString(), deployment.get("kind"), is("Deployment"));
    Map<String, Object> pod = at(at(at(deployment, "spec"), "template"), "spec");
    List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
    assertThat(pod.toString(), containers.size(), is(1));
    Map<String, Object> container = containers.get(0);
    this.command = (List<String>) container.get("command");
    this.memoryLimit = (String) at(at(container, "resources"), "limits").get("memory");
    this.graceSeconds = (Integer) pod.get("terminationGracePeriodSeconds");
    this.logs = logs;
    assertThat(command.toString(), command.subList(0, 3), is(List.of("java", "-jar", IMAGE_JAR)));
  }

  int graceSeconds() {
    return graceSeconds;
  }

  /** Starts the container's process with {@code jvmOptions} (a fault point) added. */
  RunnerJar.Started start(List<String> jvmOptions) throws IOException {
    assertThat(memoryLimit, memoryLimit.matches("[0-9]+Gi"), is(true));
    List<String> line = TestJvm.java("-XX:MaxRAM=" + memoryLimit.replace("Gi", "g"));
    line.addAll(jvmOptions);
    line.addAll(List.of("-jar", RunnerJar.FLINK.jar().toString()));
    line.addAll(command.subList(3, command.size()));
    line.add("--commitEverySeconds=2");
    return RunnerJar.FLINK.start(line, "watch", logs);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> node, String key) {
    return (Map<String, Object>) node.get(key);
  }
}

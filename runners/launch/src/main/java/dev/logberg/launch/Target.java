package dev.logberg.launch;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a launch goes: a runner jar forked on this machine, or a manifest for a Kubernetes
 * operator.
 */
enum Target {
  DIRECT("direct", "direct", false),
  FLINK_LOCAL("flink-local", "flink", false),
  SPARK_LOCAL("spark-local", "spark", false),
  FLINK_K8S("flink-k8s", "flink", true),
  SPARK_K8S("spark-k8s", "spark", true);

  private final String cliName;
  private final String runner;
  private final boolean kubernetes;

  Target(String cliName, String runner, boolean kubernetes) {
    this.cliName = cliName;
    this.runner = runner;
    this.kubernetes = kubernetes;
  }

  String cliName() {
    return cliName;
  }

  /** direct, flink or spark: the runner module and jar ({@code logberg-<runner>.jar}). */
  String runner() {
    return runner;
  }

  boolean kubernetes() {
    return kubernetes;
  }

  static Optional<Target> of(String cliName) {
    return Arrays.stream(values()).filter(t -> t.cliName.equals(cliName)).findFirst();
  }

  static String names() {
    return Arrays.stream(values()).map(Target::cliName).collect(Collectors.joining("|"));
  }
}

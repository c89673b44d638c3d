package dev.logberg.testdata;

import dev.logberg.testdata.TreePlan.AppPlan;
import dev.logberg.testdata.TreePlan.PodPlan;

/**
 * What every line of one pod repeats, with the JSON fragments rendered once instead of per line.
 */
final class PodContext {
  static final String NAMESPACE = "spark-jobs";

  final AppPlan app;
  final PodPlan pod;

  /** {@code "kubernetes":{...}} of shapes A and C. */
  final String kubernetesJson;

  /** The metadata fields of shape B, between its time field and its level. */
  final String flatJson;

  PodContext(AppPlan app, PodPlan pod) {
    this.app = app;
    this.pod = pod;
    String role = pod.isDriver() ? "driver" : "executor";
    String container = pod.isDriver() ? "spark-kubernetes-driver" : "spark-kubernetes-executor";

    StringBuilder k = new StringBuilder(512).append("\"kubernetes\":{");
    field(k, "pod_name", pod.podName()).append(',');
    field(k, "namespace_name", NAMESPACE).append(',');
    field(k, "container_name", container).append(',');
    field(k, "container_image", "apache/spark:" + app.sparkVersion()).append(',');
    field(k, "host", pod.node()).append(",\"labels\":{");
    field(k, "app", app.appName()).append(',');
    field(k, "spark-app-selector", app.appId()).append(',');
    field(k, "spark-app-name", app.appName()).append(',');
    field(k, "spark-role", role).append(',');
    field(k, "spark-version", app.sparkVersion()).append(',');
    field(k, "queue", app.queue()).append(',');
    field(k, "sparkoperator.k8s.io/submission-id", app.submissionId()).append("}}");
    this.kubernetesJson = k.toString();

    StringBuilder f = new StringBuilder(256);
    field(f, "namespace", NAMESPACE).append(',');
    field(f, "pod_name", pod.podName()).append(',');
    field(f, "container_name", container).append(',');
    field(f, "node_name", pod.node()).append(',');
    field(f, "app", app.appName()).append(',');
    field(f, "role", role);
    this.flatJson = f.toString();
  }

  PodPlan driver() {
    return app.pods().get(0);
  }

  /** The driver's Kubernetes service, which executors connect to. */
  String driverService() {
    return driver().podName() + "-svc." + NAMESPACE + ".svc";
  }

  /**
   * Executor {@code id} (1-based): an application's pods are its driver, then its executors in
   * order.
   */
  PodPlan executor(int id) {
    return app.pods().get(id);
  }

  int executorCount() {
    return app.pods().size() - 1;
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    Json.appendString(sb, name);
    sb.append(':');
    Json.appendString(sb, value);
    return sb;
  }
}

package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --apply} hands the manifest to the real kubectl. No cluster is reachable here, so kubectl
 * is pointed at a closed loopback port: it reads the manifest from its standard input, fails to
 * reach the API server, and the launcher reports kubectl's failure.
 */
class KubectlApplyTest {
  @Test
  void applyReportsKubectlsFailure(@TempDir Path dir) throws Exception {
    // kubectl comes from neither Maven Central nor the build, so a machine without it cannot run
    // this test; the launcher's refusal of --apply without kubectl is tested everywhere
    // (LaunchValidationTest).
    assumeTrue(
        Processes.kubectl(System.getenv()).isPresent(),
        "kubectl is not on the PATH of this machine");
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: closed
            cluster: {server: "https://127.0.0.1:1"}
        contexts:
          - name: closed
            context: {cluster: closed, user: nobody}
        current-context: closed
        users:
          - name: nobody
            user: {token: none}
        """);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("KUBECONFIG", kubeconfig.toString());

    Launched launched =
        Launched.run(
            env,
            List.of(
                "launch",
                "--template",
                Launched.TEMPLATE,
                "--target",
                "spark-k8s",
                "--jobName",
                "logberg-apply",
                "--image",
                "registry.example.com/logberg-spark:1.0",
                "--param",
                "input=s3://logs/team-a",
                "--param",
                "warehouse=s3://lake/w",
                "--apply"));
    assertThat(launched.code(), is(Launcher.FAILED));
    assertThat(launched.err(), containsString("kubectl apply failed with exit code 1"));
    assertThat(
        "the manifest is still shown",
        launched.out(),
        startsWith("apiVersion: sparkoperator.k8s.io/v1beta2"));
  }
}

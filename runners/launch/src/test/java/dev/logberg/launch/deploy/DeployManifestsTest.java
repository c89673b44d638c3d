package dev.logberg.launch.deploy;

import static dev.logberg.launch.deploy.DeployScript.ROOT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests and image recipes under deploy/, read as kubectl and docker would read
 * them.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = ROOT.resolve("deploy");

  @TestFactory
  Stream<DynamicTest> everyYamlUnderDeployIsAKubernetesObject() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      files =
          walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    assertThat(
        files.stream().map(p -> DEPLOY.relativize(p).toString()).toList(),
        hasItems("k8s/namespace.yaml", "flink/serviceaccount.yaml", "spark/serviceaccount.yaml"));
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    DEPLOY.relativize(file).toString(),
                    () -> {
                      List<Map<String, Object>> documents = documents(file);
                      assertThat("no document in " + file, documents.isEmpty(), is(false));
                      for (Map<String, Object> document : documents) {
                        assertThat(document.get("apiVersion"), instanceOf(String.class));
                        assertThat(document.get("kind"), instanceOf(String.class));
                        assertThat(map(document, "metadata").get("name"), instanceOf(String.class));
                      }
                    }));
  }

  @ParameterizedTest
  @CsvSource({
    "flink, pods configmaps deployments",
    "spark, pods services configmaps persistentvolumeclaims",
  })
  void serviceAccountIsBoundToARoleOnWhatTheOperatorsPodsCreate(String engine, String resources)
      throws IOException {
    String name = "logberg-" + engine;
    Map<String, Map<String, Object>> byKind =
        documents(DEPLOY.resolve(engine + "/serviceaccount.yaml")).stream()
            .collect(Collectors.toMap(d -> (String) d.get("kind"), d -> d));
    assertEquals(
        List.of("Role", "RoleBinding", "ServiceAccount"),
        byKind.keySet().stream().sorted().toList());
    String namespace =
        (String)
            map(documents(DEPLOY.resolve("k8s/namespace.yaml")).get(0), "metadata").get("name");
    for (Map<String, Object> document : byKind.values()) {
      assertEquals(name, map(document, "metadata").get("name"));
      assertEquals(namespace, map(document, "metadata").get("namespace"));
    }

    // Pod Identity is the default: no IRSA role annotation (a placeholder one would send the SDK's
    // default chain to a web identity that cannot work before it reaches Pod Identity's
    // credentials). IRSA users add it, documented.
    assertThat(map(byKind.get("ServiceAccount"), "metadata"), not(hasKey("annotations")));

    List<String> granted = new ArrayList<>();
    List<String> verbs = new ArrayList<>();
    for (Object rule : (List<?>) byKind.get("Role").get("rules")) {
      granted.addAll(strings(rule, "resources"));
      verbs.addAll(strings(rule, "verbs"));
      assertThat(strings(rule, "apiGroups"), everyItem(not("*")));
    }
    assertThat(granted, hasItems(resources.split(" ")));
    assertThat(granted, everyItem(not("*")));
    assertThat(verbs, everyItem(not("*")));

    Map<String, Object> binding = byKind.get("RoleBinding");
    assertEquals(
        Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", name),
        map(binding, "roleRef"));
    assertEquals(
        List.of(Map.of("kind", "ServiceAccount", "name", name, "namespace", namespace)),
        binding.get("subjects"));
  }

  @ParameterizedTest
  @CsvSource({
    "flink, flink:1.19.0-java17, runners/flink/target/logberg-flink.jar, /opt/flink/usrlib/logberg-flink.jar",
    "spark, apache/spark:3.5.3-scala2.12-java17-ubuntu, runners/spark/target/logberg-spark.jar,"
        + " /opt/logberg/logberg-spark.jar",
  })
  void imageAddsTheRunnerJarWhereTheScriptRunsIt(
      String engine, String base, String jar, String inImage) throws IOException {
    List<String> instructions =
        Files.readAllLines(DEPLOY.resolve(engine + "/Dockerfile")).stream()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .toList();
    assertEquals(List.of("FROM " + base, "COPY " + jar + " " + inImage), instructions);
    // verify runs `java -jar` on that path inside the image.
    Matcher scriptJar =
        Pattern.compile("\\n\\s*image_jar=\"([^\"]+)\"[^\\n]*deploy/" + engine + "/Dockerfile")
            .matcher(Files.readString(DeployScript.SCRIPT));
    assertThat("image_jar of " + engine + " in the script", scriptJar.find(), is(true));
    assertEquals(inImage, scriptJar.group(1));
  }

  private static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document :
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
      if (document != null) {
        assertThat("a document of " + file, document, instanceOf(Map.class));
        documents.add(cast(document));
      }
    }
    return documents;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    assertThat(key + " in " + parent, child, instanceOf(Map.class));
    return cast(child);
  }

  private static List<String> strings(Object rule, String key) {
    Object list = ((Map<?, ?>) rule).get(key);
    assertThat(key + " of a rule", list, instanceOf(List.class));
    return ((List<?>) list).stream().map(String.class::cast).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }
}

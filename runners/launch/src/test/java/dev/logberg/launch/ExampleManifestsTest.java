package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example manifests in deploy/ are the launcher's output for the command their header shows:
 * the header's command is run here and must render the file's body exactly, so the examples cannot
 * drift from the launcher.
 */
class ExampleManifestsTest {
  private static final String LAUNCHER = "java -jar runners/launch/target/logberg-launch.jar ";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deploy/flink/logberg-flinkdeployment.yaml",
        "deploy/flink/logberg-watch-deployment.yaml",
        "deploy/spark/logberg-sparkapplication.yaml"
      })
  void exampleIsWhatItsCommandRenders(String example) throws Exception {
    List<String> lines = Files.readAllLines(Launched.ROOT.resolve(example), StandardCharsets.UTF_8);
    int header = 0;
    while (header < lines.size() && lines.get(header).startsWith("#")) {
      header++;
    }
    List<String> command = command(lines.subList(0, header));
    assertThat(example + " names its command", command.size(), greaterThan(0));

    Launched launched = Launched.run(System.getenv(), command);
    assertThat(launched.err(), launched.code(), is(Launcher.OK));
    String body = String.join("\n", lines.subList(header, lines.size())) + "\n";
    assertThat(
        example
            + " differs from what its command renders now; replace its body with the output of: "
            + String.join(" ", command),
        body,
        equalTo(launched.out()));
  }

  /**
   * The launcher arguments of the header's command: from "java -jar ..." to the last line ending in
   * '\'.
   */
  private static List<String> command(List<String> header) {
    StringBuilder text = new StringBuilder();
    boolean inCommand = false;
    for (String line : header) {
      String content = line.replaceFirst("^#\\s*", "");
      if (content.startsWith(LAUNCHER)) {
        inCommand = true;
        content = content.substring(LAUNCHER.length());
      }
      if (inCommand) {
        boolean continues = content.endsWith("\\");
        text.append(' ').append(continues ? content.substring(0, content.length() - 1) : content);
        if (!continues) {
          break;
        }
      }
    }
    return new ArrayList<>(
        Arrays.stream(text.toString().trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
  }
}

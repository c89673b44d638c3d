package dev.logberg.launch;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two programs a launch starts: a runner jar in a new JVM, and kubectl. Both get an argument
 * list (never a shell command line), so a value is one argument whatever characters it holds.
 */
final class Processes {
  private static final Logger LOG = LoggerFactory.getLogger(Processes.class);

  private Processes() {}

  /** {@code java -jar JAR ARGS...} with the JVM running this launcher. */
  static List<String> runnerCommand(Path runnerJar, List<String> pipelineArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(runnerJar.toString());
    command.addAll(pipelineArgs);
    return command;
  }

  /**
   * Runs a command with this process's terminal and the given environment; returns its exit code.
   */
  static int run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    LOG.info("Starting {}", command.stream().map(Messages::quote).collect(Collectors.joining(" ")));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().clear();
    builder.environment().putAll(env);
    return builder.start().waitFor();
  }

  /** kubectl as the PATH of {@code env} finds it. */
  static Optional<Path> kubectl(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "kubectl");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code kubectl apply -f -} with the manifest on its standard input; returns kubectl's exit
   * code.
   */
  static int apply(Path kubectl, String manifest, Map<String, String> env)
      throws IOException, InterruptedException {
    LOG.info("Applying the manifest with {}", kubectl);
    ProcessBuilder builder =
        new ProcessBuilder(kubectl.toString(), "apply", "-f", "-")
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(manifest.getBytes(StandardCharsets.UTF_8));
    }
    return process.waitFor();
  }
}

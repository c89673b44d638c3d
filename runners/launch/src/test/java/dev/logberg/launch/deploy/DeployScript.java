package dev.logberg.launch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs deploy/bin/logberg-k8s.sh in a child bash, as a user would, and reads back the commands it
 * prints.
 */
record DeployScript(int code, String out, String err) {
  static final Path ROOT =
      Path.of(System.getProperty("logberg.root", "../..")).toAbsolutePath().normalize();
  static final Path SCRIPT = ROOT.resolve("deploy/bin/logberg-k8s.sh");

  /** Absolute, so the script still starts when a test empties PATH. */
  static final String BASH = "/bin/bash";

  static DeployScript run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  /**
   * @param env variables set or replaced in the script's environment (e.g. PATH)
   */
  static DeployScript run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BASH, SCRIPT.toString()));
    command.addAll(Arrays.asList(args));
    Result result = exec(command, env);
    return new DeployScript(result.code, result.out, result.err);
  }

  /**
   * The printed command lines, each split into its arguments by bash itself, as the shell would run
   * them.
   */
  List<List<String>> commands() throws IOException, InterruptedException {
    List<List<String>> commands = new ArrayList<>();
    for (String line : out.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      Result words =
          exec(
              List.of(
                  BASH, "-c", "eval \"words=($1)\"; printf '%s\\0' \"${words[@]}\"", "split", line),
              Map.of());
      assertEquals(
          0, words.code, "bash could not parse the printed line: " + line + "\n" + words.err);
      commands.add(List.of(words.out.split("\0")));
    }
    return commands;
  }

  private record Result(int code, String out, String err) {}

  private static Result exec(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("logberg-k8s", ".out");
    Path err = Files.createTempFile("logberg-k8s", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("still running after 120 s: " + command);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }
}

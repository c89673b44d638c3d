package dev.logberg.launch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The launcher run in this JVM from the repository root: its exit code and what it printed. */
record Launched(int code, String out, String err) {
  static final Path ROOT =
      Path.of(System.getProperty("logberg.root", "../..")).toAbsolutePath().normalize();
  static final String TEMPLATE = Launcher.TEMPLATE_FILE;

  static Launched run(String... args) {
    return run(System.getenv(), List.of(args));
  }

  static Launched run(Map<String, String> env, List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Launcher.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            ROOT);
    return new Launched(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}

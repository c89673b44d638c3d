package dev.logberg.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A calm console: the command line prints its progress and its summary, and the per-step log events
 * go to a log file whose path it prints, unless {@code --verbose} asks for them on the console.
 * Failures are printed by the commands themselves, so they reach the console either way.
 *
 * <p>Only slf4j-simple (the command line's and the Direct and Spark jars' binding) is diverted: it
 * reads its settings once, when the first logger is made, so this runs before anything logs. A
 * Flink cluster logs through its own log4j configuration, untouched.
 */
final class ConsoleLog {
  /** slf4j-simple's setting of where it writes (standard error by default). */
  static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

  private static final String SIMPLE_BINDING = "org.slf4j.simple.SimpleLoggerFactory";

  private ConsoleLog() {}

  /**
   * Sends the log events to a new file in {@code dir} when this JVM has a console, unless the
   * arguments ask for {@code --verbose} or the user chose a log file already.
   *
   * @return the file, or null if the events stay where they were
   */
  static @Nullable Path divert(List<String> args, Path dir) {
    if (System.console() == null || verbose(args) || System.getProperty(LOG_FILE) != null) {
      return null;
    }
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path file = dir.resolve("logberg-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log folder " + dir, e);
    }
    System.setProperty(LOG_FILE, file.toString());
    if (!LoggerFactory.getILoggerFactory().getClass().getName().equals(SIMPLE_BINDING)) {
      System.clearProperty(LOG_FILE);
      return null;
    }
    return file;
  }

  /**
   * Says where the log went, on {@code err}, when something was logged; an empty log file is
   * removed.
   */
  static void tell(@Nullable Path file, PrintStream err) {
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      if (Files.size(file) == 0) {
        Files.delete(file);
      } else {
        err.println("Log: " + file + " (--verbose prints it here)");
      }
    } catch (IOException e) {
      err.println("Log: " + file);
    }
  }

  /**
   * {@code --verbose} as given, read from the raw arguments: the logging must be set before Beam's
   * option parser makes its first logger. The option itself is declared on {@link LogbergOptions}.
   */
  static boolean verbose(List<String> args) {
    return args.contains("--verbose") || args.contains("--verbose=true");
  }
}

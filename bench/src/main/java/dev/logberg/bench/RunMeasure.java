package dev.logberg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one contender as its own process under GNU time ({@code /usr/bin/time -v}), which reports
 * the peak RSS and the CPU time of the whole process from the kernel's accounting, and times the
 * wall clock around it.
 */
final class RunMeasure {
  private static final Pattern MAX_RSS =
      Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
  private static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([\\d.]+)");
  private static final Pattern SYSTEM = Pattern.compile("System time \\(seconds\\): ([\\d.]+)");

  /** What one process did; {@code output} is its stdout and stderr. */
  record Result(
      int exitCode,
      double wallSeconds,
      double cpuSeconds,
      long peakRssBytes,
      String output,
      String loadBefore,
      String loadAfter) {}

  private RunMeasure() {}

  static Result run(
      List<String> command, Map<String, String> environment, Path runDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(runDir);
    Path timeFile = runDir.resolve("time.txt");
    Path log = runDir.resolve("output.log");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
    full.addAll(command);
    Files.writeString(
        runDir.resolve("command.txt"), String.join(" ", full) + "\n" + environment + "\n");
    ProcessBuilder builder =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    String loadBefore = JvmProbe.loadAverage();
    long started = System.nanoTime();
    Process process = builder.start();
    int exit;
    if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      exit = process.exitValue();
    } else {
      // The contender is a child of GNU time: end both.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
      exit = -1;
    }
    double wall = (System.nanoTime() - started) / 1e9;
    String loadAfter = JvmProbe.loadAverage();
    String time = Files.exists(timeFile) ? Files.readString(timeFile) : "";
    double cpu = number(USER, time) + number(SYSTEM, time);
    long rss = ((long) number(MAX_RSS, time)) * 1024;
    return new Result(exit, wall, cpu, rss, Files.readString(log), loadBefore, loadAfter);
  }

  private static double number(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}

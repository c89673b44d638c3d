package dev.logberg.testdata;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Command line: writes a deterministic tree of Spark application logs (and optionally its
 * manifest).
 *
 * <pre>
 * GenerateLogs --out DIR [--seed N] (--profile testdata | --size 100MB|1GB|&lt;bytes&gt; [--first-day YYYY-MM-DD])
 *     [--manifest FILE]</pre>
 *
 * Exit codes: 0 done, 1 I/O failure, 2 bad arguments.
 */
public final class GenerateLogs {
  private GenerateLogs() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    // Only a failure ends the JVM explicitly: under `mvn exec:java` a normal return lets Maven
    // finish its build.
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the generator; returns the exit code instead of exiting, so tests can call it. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CliOptions options;
    Path outDir;
    try {
      options = CliOptions.parse(args);
      if (options.help()) {
        out.print(CliOptions.USAGE);
        return 0;
      }
      outDir = Objects.requireNonNull(options.out(), "parse() requires --out unless --help");
      OutputDir.prepare(outDir);
    } catch (UsageException e) {
      err.println("GenerateLogs: " + e.getMessage());
      err.print(CliOptions.USAGE);
      return 2;
    } catch (IOException e) {
      err.println("GenerateLogs: cannot prepare --out " + e);
      return 1;
    }
    try {
      long started = System.nanoTime();
      TreePlan plan =
          options.profile() != null
              ? TestdataProfile.plan(options.seed())
              : SizeProfile.plan(options.seed(), options.sizeBytes(), options.firstDay());
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
      Manifest manifest = TreeGenerator.write(plan, outDir, threads);
      Path manifestFile = options.manifest();
      if (manifestFile != null) {
        Path parent = manifestFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(manifestFile, ManifestWriter.toJson(manifest), StandardCharsets.UTF_8);
      }
      Tally t = manifest.totals();
      out.printf(
          Locale.ROOT,
          "generated %,d apps, %,d files, %,d lines, %,d bytes in %.1f s into %s%n",
          manifest.apps().size(),
          t.files,
          t.lines,
          t.bytes,
          (System.nanoTime() - started) / 1e9,
          outDir);
      return 0;
    } catch (IOException e) {
      err.println("GenerateLogs: " + e);
      return 1;
    }
  }
}

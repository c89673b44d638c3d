package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Test helpers: run the CLI, hash and read generated trees, load manifests. */
final class Trees {
  /** The module folder (surefire runs tests there; {@code basedir} is set by Maven). */
  static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();

  static final Path CHECKED_IN_TREE = MODULE.resolve("spark-application-logs/spark-team-a");
  static final Path CHECKED_IN_MANIFEST = MODULE.resolve("expected/spark-team-a.manifest.json");

  private Trees() {}

  /** Runs the CLI and fails the test unless it exits 0. */
  static void generate(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        GenerateLogs.run(
            args,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8), code, is(0));
  }

  /**
   * Every regular file under {@code root}, by path relative to it ({@code /}-separated), with its
   * SHA-256.
   */
  static SortedMap<String, String> hashes(Path root) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    for (Path file : files(root)) {
      out.put(relative(root, file), sha256(Files.readAllBytes(file)));
    }
    return out;
  }

  static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  /**
   * Physical lines as a line-oriented reader sees them (gunzipped for .gz); fails on invalid UTF-8.
   */
  static List<String> lines(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()))) {
      List<String> lines = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
      return lines;
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> manifest(Path file) throws IOException {
    return (Map<String, Object>) MiniJson.parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

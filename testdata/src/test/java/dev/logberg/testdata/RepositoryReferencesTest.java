package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file of the repository that cites another file of the repository cites one that exists, so
 * a clone carries every document its code and docs point at.
 *
 * <p>Checked in every tracked text file (outside the log trees): markdown links {@code [..](path)}
 * (relative to the citing file), paths that start with a top-level folder ({@code beam-pipeline/},
 * {@code upsert/}, {@code runners/}, {@code deploy/}, {@code testdata/}, {@code bench/}, {@code
 * docs/}, {@code .ci/}; relative to the repository root), documents named in capitals ({@code
 * README.md}, {@code BENCHMARKS.md}, {@code ../x/NOTES.md}: relative to the citing file's folder,
 * else the root), and the names of the design notes that live outside the repository ({@code
 * DESIGN}, {@code BUILD-FACTS}). Not checked: web links, globs ({@code *}), placeholders ({@code
 * <runner>}, {@code $x}), elisions ({@code ...}) and paths under git-ignored folders (build output
 * such as {@code target/}, {@code bench/results/}).
 */
class RepositoryReferencesTest {
  static final Path ROOT = Trees.MODULE.getParent();

  private static final String TOP =
      "(?:beam-pipeline|upsert|runners|deploy|testdata|bench|docs|\\.ci)";
  private static final Pattern TOP_LEVEL_PATH =
      Pattern.compile("(?<![\\w./@:$-])(" + TOP + "/[\\w./*<>{},$@-]*)");
  private static final Pattern CAPITAL_DOC =
      Pattern.compile("(?<![\\w.-])((?:[\\w.-]+/)*[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)*\\.md)\\b");
  private static final Pattern OUTSIDE_NOTE = Pattern.compile("\\b(DESIGN|BUILD-FACTS)\\b");
  private static final Pattern MARKDOWN_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyCitedRepositoryPathExists() throws IOException {
    List<String> ignored = ignoredFolders();
    List<String> missing = new ArrayList<>();
    for (String file : trackedFiles()) {
      if (file.endsWith("/" + RepositoryReferencesTest.class.getSimpleName() + ".java")) {
        continue; // its examples name missing files on purpose; theCheckCatchesWhatItShould
      }
      if (file.startsWith("testdata/spark-application-logs/")
          || file.startsWith("testdata/expected/")) {
        continue;
      }
      String text = readText(ROOT.resolve(file));
      if (text == null) {
        continue;
      }
      missing.addAll(problems(file, text, ignored));
    }
    assertThat(String.join("\n", missing), missing, is(empty()));
  }

  @Test
  void theCheckCatchesWhatItShould() {
    List<String> ignored = List.of("target/");
    assertThat(
        problems("pom.xml", "<!-- See ../shared/BUILD-FACTS.md -->", ignored),
        hasItem("pom.xml:1: ../shared/BUILD-FACTS.md (outside the repository)"));
    assertThat(
        problems("X.java", "/** The rules (DESIGN.md, \"Which folders run\"). */", ignored),
        hasItem("X.java:1: DESIGN.md"));
    assertThat(
        problems("runners/spark/pom.xml", "in the repository (BUILD-FACTS). -->", ignored),
        hasItem("runners/spark/pom.xml:1: BUILD-FACTS"));
    assertThat(
        problems("docs/A.md", "see [the pruning](NOPE.md) and `docs/NOPE.md`.", ignored),
        hasItem("docs/A.md:1: docs/NOPE.md"));
    assertThat(
        problems("docs/A.md", "see [the pruning](UPSERT-PRUNING.md), [r](../README.md)", ignored),
        is(empty()));
    assertThat(
        problems(
            "README.md",
            "`runners/<runner>/target/x.jar`, `runners/it/target/foo`, `bench/results/e2e-*`,"
                + " `deploy/{flink,spark}/serviceaccount.yaml`, bench/.../LogRows.java,"
                + " [web](https://example.com/docs/x.md), docs/UPSERT-PRUNING.md.",
            List.of("target/", "/bench/results/")),
        is(empty()));
    assertThat(
        problems("A.java", " * Reads {@code deploy/templates/} and {@code bench/nope/}.", ignored),
        is(List.of("A.java:1: bench/nope/")));
    assertThat(
        problems("A.java", " * <pre>JfrStages RECORDING.jfr [OUT.md]</pre>", ignored), is(empty()));
    assertThat(
        problems("A.java", "    run(\"deploy/templates/none.json\"); // deploy/none.txt", ignored),
        is(List.of("A.java:1: deploy/none.txt")));
    assertThat(
        problems("A.java", " * Missing: deploy/templates/none.json.", ignored),
        is(List.of("A.java:1: deploy/templates/none.json")));
    assertThat(
        problems("README.md", "`deploy/{flink,nope}/serviceaccount.yaml`", ignored),
        hasItem("README.md:1: deploy/nope/serviceaccount.yaml"));
    assertThat(
        problems("README.md", "dev.logberg.upsert/x and s3://b/docs/x", ignored), is(empty()));
  }

  static List<String> problems(String file, String text, List<String> ignored) {
    Path folder = ROOT.resolve(file).getParent();
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = file.endsWith(".java") ? withoutStringLiterals(lines[i]) : lines[i];
      String where = file + ":" + (i + 1) + ": ";
      Set<String> seen = new TreeSet<>();
      Matcher m = TOP_LEVEL_PATH.matcher(line);
      while (m.find()) {
        for (String path : expand(trim(m.group(1)))) {
          if (checkable(path, ignored) && seen.add(path) && !Files.exists(ROOT.resolve(path))) {
            out.add(where + path);
          }
        }
      }
      if (file.endsWith(".md")) {
        m = MARKDOWN_LINK.matcher(line);
        while (m.find()) {
          String target = m.group(1).replaceFirst("#.*$", "");
          if (target.isEmpty() || target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
            continue;
          }
          if (checkable(target, ignored) && seen.add(target)) {
            Path resolved = folder.resolve(target).normalize();
            if (!resolved.startsWith(ROOT)) {
              out.add(where + target + " (outside the repository)");
            } else if (!Files.exists(resolved)) {
              out.add(where + target);
            }
          }
        }
      }
      m = CAPITAL_DOC.matcher(line);
      while (m.find()) {
        String path = m.group(1);
        if (optionalArgument(line, m) || !checkable(path, ignored) || !seen.add(path)) {
          continue;
        }
        Path relative = folder.resolve(path).normalize();
        if (!relative.startsWith(ROOT)) {
          out.add(where + path + " (outside the repository)");
        } else if (!Files.exists(relative) && !Files.exists(ROOT.resolve(path).normalize())) {
          out.add(where + path);
        }
      }
      m = OUTSIDE_NOTE.matcher(line);
      while (m.find()) {
        String name = m.group(1);
        if (!seen.contains(name + ".md") && seen.add(name) && !documentExists(name + ".md")) {
          out.add(where + name);
        }
      }
    }
    return out;
  }

  /** {@code [OUT.md]} in a usage line names an argument, not a file ({@code [x](y)} is a link). */
  private static boolean optionalArgument(String line, Matcher m) {
    return m.start() > 0
        && line.charAt(m.start() - 1) == '['
        && line.startsWith("]", m.end())
        && !line.startsWith("](", m.end());
  }

  /**
   * A line of Java code without its string literals: in code, a path in a string is data (a test
   * may name a file that must not exist). Comment lines are kept whole.
   */
  static String withoutStringLiterals(String line) {
    String trimmed = line.strip();
    if (trimmed.startsWith("*") || trimmed.startsWith("//") || trimmed.startsWith("/*")) {
      return line;
    }
    return line.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
  }

  private static boolean documentExists(String name) {
    return Files.exists(ROOT.resolve(name)) || Files.exists(ROOT.resolve("docs").resolve(name));
  }

  private static String trim(String path) {
    String trimmed = path.replaceAll("[.,:;]+$", "");
    // a closing brace of {@code a/} or of a ${...} around the path, not a {x,y} alternative
    while (trimmed.endsWith("}") && count(trimmed, '{') < count(trimmed, '}')) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).replaceAll("[.,:;]+$", "");
    }
    return trimmed;
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }

  /** {@code a/{b,c}/d} -> {@code a/b/d}, {@code a/c/d}. */
  static List<String> expand(String path) {
    Matcher m = Pattern.compile("\\{([^{}]*)}").matcher(path);
    if (!m.find()) {
      return List.of(path);
    }
    List<String> out = new ArrayList<>();
    for (String choice : m.group(1).split(",", -1)) {
      out.addAll(expand(path.substring(0, m.start()) + choice + path.substring(m.end())));
    }
    return out;
  }

  private static boolean checkable(String path, List<String> ignored) {
    if (path.contains("*")
        || path.contains("<")
        || path.contains(">")
        || path.contains("$")
        || path.contains("@")
        || path.contains("...")
        || path.contains("{")
        || path.contains(",")) {
      return false;
    }
    String normal = path.startsWith("./") ? path.substring(2) : path;
    for (String entry : ignored) {
      if (entry.startsWith("/")
          ? ("/" + normal + "/").startsWith(entry)
          : ("/" + normal + "/").contains("/" + entry)) {
        return false;
      }
    }
    return true;
  }

  /** Folder entries of the root {@code .gitignore} ({@code target/}, {@code /bench/results/}). */
  private static List<String> ignoredFolders() throws IOException {
    Path gitignore = ROOT.resolve(".gitignore");
    if (!Files.exists(gitignore)) {
      return List.of("target/");
    }
    return Files.readAllLines(gitignore).stream()
        .map(String::strip)
        .filter(line -> line.endsWith("/") && !line.contains("*") && !line.startsWith("#"))
        .toList();
  }

  /** {@code git ls-files}; without git (a source archive), every file outside build output. */
  static List<String> trackedFiles() throws IOException {
    try {
      Process git =
          new ProcessBuilder("git", "ls-files", "-z")
              .directory(ROOT.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out;
      try (InputStream in = git.getInputStream()) {
        out = in.readAllBytes();
      }
      if (git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0 && out.length > 0) {
        List<String> files = new ArrayList<>();
        for (String name : new String(out, StandardCharsets.UTF_8).split("\0", -1)) {
          if (!name.isEmpty() && Files.isRegularFile(ROOT.resolve(name))) {
            files.add(name);
          }
        }
        return files;
      }
    } catch (IOException e) {
      // no git: walk the tree below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    List<String> ignored = ignoredFolders();
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.startsWith(".git/") && !p.equals(".git") && checkable(p, ignored))
          .sorted()
          .toList();
    }
  }

  /** The file as UTF-8 text, or null if it is binary. */
  private static String readText(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}

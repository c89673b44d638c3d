package dev.logberg.testdata;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command-line handling: bad arguments exit with code 2 and a message naming the option. */
class CliTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return GenerateLogs.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                          | --out",
        "--profile testdata                          | --out",
        "--out DIR                                   | --profile",
        "--out DIR --size 12XB                       | --size",
        "--out DIR --size 0                          | --size",
        "--out DIR --profile nope                    | --profile",
        "--out DIR --profile testdata --size 1MB     | --profile",
        "--out DIR --profile testdata --seed abc     | --seed",
        "--out DIR --profile testdata --frobnicate 1 | --frobnicate",
        "--out DIR --profile testdata --manifest     | --manifest",
        "--out DIR --out DIR --profile testdata      | --out",
        "--out DIR stray --profile testdata          | stray",
        "--out DIR --size 1MB --first-day 2025-13-01 | --first-day",
        "--out DIR --size 1MB --first-day tomorrow   | --first-day",
        "--out DIR --profile testdata --first-day 2025-06-01 | --first-day",
      })
  void badArgumentsExitWithTwoAndNameTheOption(String args, String named) {
    String line = args.replace("DIR", tmp.resolve("out").toString()).trim();
    int code = run(line.isEmpty() ? new String[0] : line.split("\\s+"));

    assertThat(code, is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString(named));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("usage: GenerateLogs"));
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help"), is(0));
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("--size"));
  }

  @Test
  void refusesAnOutputFolderWithForeignFiles() throws Exception {
    Path dir = tmp.resolve("precious");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("notes.txt"), "keep me");

    assertThat(run("--out", dir.toString(), "--profile", "testdata"), is(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--out"));
    assertThat(Files.readString(dir.resolve("notes.txt")), is("keep me"));
  }

  @Test
  void regeneratingInPlaceReplacesAnEarlierTree() throws Exception {
    Path dir = tmp.resolve("tree");
    Path fresh = tmp.resolve("fresh");
    assertThat(run("--out", dir.toString(), "--profile", "testdata", "--seed", "1"), is(0));
    assertThat(run("--out", dir.toString(), "--profile", "testdata", "--seed", "2"), is(0));
    assertThat(run("--out", fresh.toString(), "--profile", "testdata", "--seed", "2"), is(0));

    assertThat(Trees.hashes(dir), is(Trees.hashes(fresh)));
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("generated 5 apps, 18 files"));
  }

  @Test
  void sizesAcceptUnitsInPowersOf1024() throws Exception {
    assertThat(CliOptions.parseSize("100MB"), is(100L << 20));
    assertThat(CliOptions.parseSize("1GB"), is(1L << 30));
    assertThat(CliOptions.parseSize("5m"), is(5L << 20));
    assertThat(CliOptions.parseSize("512KB"), is(512L << 10));
    assertThat(CliOptions.parseSize("123456"), is(123_456L));
    assertThrows(UsageException.class, () -> CliOptions.parseSize("1.5GB"));
    assertThrows(UsageException.class, () -> CliOptions.parseSize("GB"));
  }
}

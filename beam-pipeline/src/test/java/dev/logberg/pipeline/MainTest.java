package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private record Result(int code, String output) {}

  private static Result main(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Result(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsCommandsAndEveryOptionWithItsDescriptionAndDefault() {
    Result help = main("--help");
    assertThat(help.code(), is(Main.OK));
    assertThat(help.output(), allOf(
        containsString("Usage: logberg [run|verify|dump]"),
        containsString("--input"),
        containsString("spark-* subfolders"),
        containsString("--maxAttempts"),
        containsString("Default: 3"),
        containsString("--partitionBy"),
        containsString("--reprocessAll"),
        containsString("--catalogProperties")));
  }

  @Test
  void badOptionsExitWithCodeTwoAndNameTheOption() {
    Result bad = main("--maxAttempts=0", "--input=/no/such/folder");
    assertThat(bad.code(), is(Main.BAD_OPTIONS));
    assertThat(bad.output(), allOf(containsString("--maxAttempts must be at least 1"),
        containsString("--input: folder /no/such/folder does not exist"), containsString("--help")));
  }

  @Test
  void unknownOptionOrCommandIsRejected() {
    assertThat(main("--maxAtempts=2").code(), is(Main.BAD_OPTIONS));
    Result unknown = main("vrify");
    assertThat(unknown.code(), is(Main.BAD_OPTIONS));
    assertThat(unknown.output(), containsString("Unknown command 'vrify'"));
  }

  @Test
  void runnerDefaultsApplyOnlyWhereTheUserSetNothing() {
    String[] args = Main.withDefaults(new String[] {"run", "--runner=SparkRunner", "--parallelism", "4"},
        "--runner=FlinkRunner", "--parallelism=2", "--reIterableGroupByKeyResult=true");
    assertThat(java.util.List.of(args), is(java.util.List.of(
        "run", "--runner=SparkRunner", "--parallelism", "4", "--reIterableGroupByKeyResult=true")));
  }
}

package dev.logberg.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.options.Description;
import org.junit.jupiter.api.Test;

/** The declarations on LogbergOptions, and README's table generated from them. */
class OptionDeclarationsTest {
  private static final Path README =
      Path.of(System.getProperty("logberg.repo", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("README.md");

  @Test
  void everyOptionIsDeclaredOnceWithAParamAndADescription() {
    List<String> undeclared =
        Arrays.stream(LogbergOptions.class.getDeclaredMethods())
            .filter(m -> OptionDeclarations.property(m) != null)
            .filter(
                m ->
                    !m.isAnnotationPresent(Param.class)
                        || !m.isAnnotationPresent(Description.class))
            .map(m -> m.getName())
            .toList();
    assertThat("getters without @Param or @Description", undeclared, equalTo(List.of()));
  }

  @Test
  void examplesAndDefaultsPassTheirOwnFormats() {
    for (OptionDeclarations.Option option : OptionDeclarations.of(LogbergOptions.class)) {
      assertThat(option.name() + " has no example", option.example(), not(emptyString()));
      assertThat(
          option.name() + " example",
          option.problemsWith(List.of(option.example())),
          is(List.of()));
      if (option.shownDefault() != null) {
        assertThat(
            option.name() + " default",
            option.problemsWith(Arrays.asList(option.shownDefault().split(","))),
            is(List.of()));
      }
    }
  }

  @Test
  void readmeOptionsTableIsWhatTheDeclarationsGenerate() throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    assertThat(
        "README.md's options table and LogbergOptions drifted apart; regenerate the table with "
            + OptionsTable.REGENERATE,
        readme,
        equalTo(OptionsTable.replaceIn(readme)));
  }

  @Test
  void tableHasOneRowPerOptionWithDefaultExampleAndHelp() {
    String table = OptionsTable.markdown();
    assertThat(
        table.lines().filter(l -> l.startsWith("| `--")).count(),
        equalTo((long) OptionDeclarations.of(LogbergOptions.class).size()));
    assertThat(
        table,
        containsString(
            "| `--maxAttempts` | `3` | `5` | An application whose runs failed this many times"));
    assertThat(
        table,
        containsString(
            "| `--input` | `testdata/spark-application-logs/spark-team-a` |"
                + " `s3://my-logs/spark-application-logs/team-a` |"));
    assertThat(table, containsString("Required in a launched job"));
  }
}

package dev.logberg.launch;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.OptionDeclarations;
import dev.logberg.pipeline.Param;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in template spec against LogbergOptions, and the generator's rules. */
class TemplateSpecTest {
  private static final Path SPEC_FILE = Launched.ROOT.resolve(Launcher.TEMPLATE_FILE);

  @Test
  void checkedInSpecIsWhatTheOptionsGenerate() throws Exception {
    String checkedIn = Files.readString(SPEC_FILE, StandardCharsets.UTF_8);
    assertThat(
        "LogbergOptions and "
            + Launcher.TEMPLATE_FILE
            + " drifted apart; regenerate the spec with"
            + " mvn -q -pl runners/launch exec:java -Dexec.args=\"template --output "
            + Launcher.TEMPLATE_FILE
            + "\"",
        checkedIn,
        equalTo(TemplateGenerator.logberg().toJson()));
  }

  @Test
  void templateCommandPrintsTheSpecAndReadsBack() throws Exception {
    Launched printed = Launched.run("template");
    assertThat(printed.err(), printed.code(), is(Launcher.OK));
    assertThat(printed.out(), equalTo(Files.readString(SPEC_FILE, StandardCharsets.UTF_8)));
    assertThat(TemplateSpec.read(SPEC_FILE), equalTo(TemplateGenerator.logberg()));
  }

  @Test
  void everyOptionIsAParameterExceptTheCommandLineKnobs() throws IntrospectionException {
    Set<String> options =
        Arrays.stream(Introspector.getBeanInfo(LogbergOptions.class).getPropertyDescriptors())
            .map(PropertyDescriptor::getName)
            .collect(Collectors.toSet());
    Set<String> parameters =
        TemplateGenerator.logberg().parameters().stream()
            .map(TemplateSpec.Parameter::name)
            .collect(Collectors.toSet());
    assertThat(options.containsAll(parameters), is(true));
    options.removeAll(parameters);
    // The local lake is a laptop demo; --verbose matters only at an interactive console.
    assertThat(options, containsInAnyOrder("localLake", "localLakeDir", "verbose"));
  }

  /**
   * What a launch leaves out is what the pipeline uses: the spec's defaults are Beam's, and pass
   * their regexes.
   */
  @Test
  void defaultValuesAreThePipelinesAndMatchTheirRegexes() throws Exception {
    LogbergOptions defaults = PipelineOptionsFactory.fromArgs().as(LogbergOptions.class);
    for (TemplateSpec.Parameter p : TemplateGenerator.logberg().parameters()) {
      PropertyDescriptor property = new PropertyDescriptor(p.name(), LogbergOptions.class);
      Object pipelineDefault = property.getReadMethod().invoke(defaults);
      if (!p.isOptional()) {
        assertThat(p.name(), p.defaultValue(), nullValue());
      } else if (p.defaultValue() == null) {
        assertThat(
            p.name() + " has a default the spec does not show", pipelineDefault, nullValue());
      } else {
        assertThat(p.name(), p.defaultValue(), equalTo(String.valueOf(pipelineDefault)));
        for (String regex : p.regexes()) {
          assertThat(
              p.name() + " default vs " + regex,
              Pattern.matches(regex, p.defaultValue()),
              is(true));
        }
      }
    }
  }

  @Test
  void requiredInATemplateAreTheLocationsWithoutTheirLocalDefaultText() {
    TemplateSpec spec = TemplateGenerator.logberg();
    assertThat(
        spec.parameters().stream()
            .filter(p -> !p.isOptional())
            .map(TemplateSpec.Parameter::name)
            .toList(),
        contains("input", "warehouse"));
    String inputHelp = spec.parameter("input").orElseThrow().helpText();
    assertThat(inputHelp, containsString("local paths or s3://bucket/prefix"));
    assertThat(inputHelp.contains("Unset"), is(false));
  }

  @Test
  void formatRegexesAcceptRealValuesAndRejectOthers() {
    TemplateSpec spec = TemplateGenerator.logberg();
    assertAccepts(
        spec,
        "input",
        "s3://my-logs/spark-application-logs/team-a",
        "/data/logs/team-a,s3://b-1.x/prefix",
        "testdata/spark-application-logs/spark-team-a");
    assertRejects(
        spec, "input", "gs://bucket/x", "s3://B/x", "/data/a,,/data/b", "/data/a\n/data/b", "");
    assertAccepts(spec, "region", "eu-west-1", "us-gov-west-1", "ap-southeast-2");
    assertRejects(spec, "region", "EU-WEST-1", "eu-west", "eu-west-1; rm -rf /");
    assertAccepts(spec, "catalogType", "glue", "rest", "jdbc", "hadoop");
    assertRejects(spec, "catalogType", "hive", "GLUE");
    assertAccepts(spec, "reprocess", "spark-4fb38540902b277b77066159fd92e498", "spark-a,spark-b");
    assertRejects(spec, "reprocess", "4fb38540902b", "spark-a,");
    assertAccepts(spec, "maxAttempts", "5");
    assertRejects(spec, "maxAttempts", "five", "5.0");
    assertAccepts(spec, "reprocessAll", "true", "false");
    assertRejects(spec, "reprocessAll", "yes");
    assertAccepts(spec, "catalogProperties", "jdbc.user=logberg,client.region=eu-west-1", "k=");
    assertRejects(spec, "catalogProperties", "noequals", "=v", "a b=c");
    assertAccepts(spec, "glueCatalogId", "123456789012");
    assertRejects(spec, "glueCatalogId", "12345");
  }

  /**
   * The generator's type rules, on an options interface with the types LogbergOptions does not use.
   */
  @Test
  void generatorDerivesFromTypesAnnotationsAndFormats() {
    TemplateSpec spec = new TemplateGenerator(SampleOptions.class).generate("sample", "A sample.");
    assertThat(
        spec.parameters().stream().map(TemplateSpec.Parameter::name).toList(),
        contains("location", "mode", "count", "ratio", "sizes", "verbose"));
    assertThat(
        spec.parameter("location").orElseThrow(),
        equalTo(
            new TemplateSpec.Parameter(
                "location", "Where", "Where to look.", false, List.of("^([a-z]+)$"), null)));
    assertThat(
        spec.parameter("mode").orElseThrow(),
        equalTo(
            new TemplateSpec.Parameter(
                "mode", "Mode", "The mode.", false, List.of("^(FAST|SAFE)$"), null)));
    assertThat(
        spec.parameter("count").orElseThrow(),
        equalTo(
            new TemplateSpec.Parameter(
                "count", "Count", "How many.", true, List.of("^(-?[0-9]+)$"), "7")));
    assertThat(
        spec.parameter("ratio").orElseThrow().regexes(), contains("^(-?[0-9]+(\\.[0-9]+)?)$"));
    assertThat(spec.parameter("ratio").orElseThrow().defaultValue(), equalTo("0.5"));
    assertThat(
        spec.parameter("sizes").orElseThrow().regexes(), contains("^(-?[0-9]+)(,(-?[0-9]+))*$"));
    assertThat(spec.parameter("sizes").orElseThrow().defaultValue(), nullValue());
    assertThat(
        spec.parameter("verbose").orElseThrow(),
        equalTo(
            new TemplateSpec.Parameter(
                "verbose", "Verbose", "Talk more.", true, List.of("^(true|false)$"), "false")));
  }

  @Test
  void generatorRefusesAnOptionWithoutDescription() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new TemplateGenerator(UndocumentedOptions.class).generate("x", "x"));
    assertThat(e.getMessage(), containsString("getSecretKnob has no @Description"));
  }

  @Test
  void labelsSpellAcronyms() {
    assertThat(OptionDeclarations.label("catalogUri"), equalTo("Catalog URI"));
    assertThat(OptionDeclarations.label("s3PathStyleAccess"), equalTo("S3 path style access"));
    assertThat(OptionDeclarations.label("maxLineBytes"), equalTo("Max line bytes"));
  }

  @Test
  void anInvalidSpecIsRejectedWithEveryProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(
        file,
        """
        {"name": "bad", "parameters": [
          {"name": "a", "label": "A", "helpText": "h"},
          {"name": "a", "label": "A", "helpText": "h"},
          {"name": "e", "label": "E", "helpText": "h", "regexes": ["("]},
          {"name": "b=c", "label": "B", "helpText": "h"},
          {"name": "d", "helpText": "h", "isOptional": "yes"}
        ]}""");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TemplateSpec.read(file));
    assertThat(e.getMessage(), containsString("\"description\" must be a non-empty string"));
    assertThat(e.getMessage(), containsString("parameter e: regex \"(\" does not compile"));
    assertThat(e.getMessage(), containsString("parameter a is declared twice"));
    assertThat(e.getMessage(), containsString("parameter name 'b=c' is not letters and digits"));
    assertThat(e.getMessage(), containsString("\"label\" must be a non-empty string in \"d\""));
    assertThat(e.getMessage(), containsString("parameter d: isOptional must be true or false"));

    Files.writeString(file, "{\"name\": ");
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> TemplateSpec.read(file)).getMessage(),
        containsString("is not valid JSON"));
  }

  @Test
  void specJsonRoundTrips() throws Exception {
    TemplateSpec spec = TemplateGenerator.logberg();
    assertThat(
        TemplateSpec.fromJson(new ObjectMapper().readTree(spec.toJson()), "memory"), equalTo(spec));
    assertThat(spec.check(Map.of("input", "/data", "warehouse", "/lake")), empty());
  }

  private static void assertAccepts(TemplateSpec spec, String name, String... values) {
    for (String value : values) {
      assertThat(
          name + "=" + value,
          spec.parameter(name).orElseThrow().problemWith(value).isEmpty(),
          is(true));
    }
  }

  private static void assertRejects(TemplateSpec spec, String name, String... values) {
    for (String value : values) {
      assertThat(
          name + "=" + value,
          spec.parameter(name).orElseThrow().problemWith(value).isPresent(),
          is(true));
    }
  }

  enum Mode {
    FAST,
    SAFE
  }

  /**
   * Types and annotations LogbergOptions does not have (an enum, a double, a list of ints,
   * Validation.Required), and options without {@link Param} (their label and regex are derived).
   */
  public interface SampleOptions extends PipelineOptions {
    @Param(label = "Where", regex = "[a-z]+", required = true)
    @Description("Where to look.")
    String getLocation();

    void setLocation(String value);

    @Description("The mode.")
    @Validation.Required
    Mode getMode();

    void setMode(Mode value);

    @Description("How many.")
    @Default.Integer(7)
    int getCount();

    void setCount(int value);

    @Description("A ratio.")
    @Default.Double(0.5)
    double getRatio();

    void setRatio(double value);

    @Description("Sizes.")
    List<Integer> getSizes();

    void setSizes(List<Integer> value);

    @Description("Talk more.")
    @Default.Boolean(false)
    boolean isVerbose();

    void setVerbose(boolean value);

    @Param(launchable = false)
    @Description("Not in templates.")
    String getSkipped();

    void setSkipped(String value);
  }

  public interface UndocumentedOptions extends PipelineOptions {
    String getSecretKnob();

    void setSecretKnob(String value);
  }
}

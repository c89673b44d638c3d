package dev.logberg.launch;

import dev.logberg.pipeline.LogbergOptions;
import dev.logberg.pipeline.OptionDeclarations;
import dev.logberg.pipeline.Param;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Derives a template spec from a Beam options interface's declarations ({@link
 * OptionDeclarations}): one parameter per property it declares, except those whose {@link Param} is
 * not launchable, with its {@code @Description} as help text, its {@code @Default} as default
 * value, {@link Param#required} or {@code @Validation.Required} as required, and {@link
 * Param#label} and {@link Param#regex} (or the type's format) as label and regex: the same
 * declarations the validator, {@code --help} and README's options table read.
 */
final class TemplateGenerator {
  static final String NAME = "spark-logs-to-iceberg";
  static final String DESCRIPTION =
      "Lands Spark application logs (JSON lines shipped by Fluent Bit, one folder per"
          + " application) in three Apache Iceberg tables: the log rows, the rejected lines with their reason, and each"
          + " application's processing status. Applications already landed are skipped; re-runs never duplicate a line.";

  private final Class<?> options;

  TemplateGenerator(Class<?> options) {
    this.options = options;
  }

  /** The spec of deploy/templates/spark-logs-to-iceberg.json. */
  static TemplateSpec logberg() {
    return new TemplateGenerator(LogbergOptions.class).generate(NAME, DESCRIPTION);
  }

  /** Required parameters first, then by name. */
  TemplateSpec generate(String name, String description) {
    List<TemplateSpec.Parameter> parameters = new ArrayList<>();
    for (OptionDeclarations.Option option : OptionDeclarations.of(options)) {
      if (option.launchable()) {
        parameters.add(parameter(option));
      }
    }
    parameters.sort(
        Comparator.comparing(TemplateSpec.Parameter::isOptional)
            .thenComparing(TemplateSpec.Parameter::name));
    return new TemplateSpec(name, description, parameters);
  }

  private static TemplateSpec.Parameter parameter(OptionDeclarations.Option option) {
    String help = option.help();
    if (option.required()) {
      // "Unset: ..." describes the local default, which a required parameter does not have.
      help = help.replaceAll("\\s*Unset:[^.]*\\.", "");
    }
    String element = option.regex();
    List<String> regexes =
        element == null
            ? List.of()
            : List.of(
                option.isList()
                    ? "^(" + element + ")(,(" + element + "))*$"
                    : "^(" + element + ")$");
    return new TemplateSpec.Parameter(
        option.name(),
        option.label(),
        help,
        !option.required(),
        regexes,
        option.required() ? null : option.defaultValue());
  }
}

package dev.logberg.launch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Dataflow Flex-style template spec: the parameters a launch may set, with their help, whether
 * they are optional, their default and the regexes a value must match (each in full).
 */
public record TemplateSpec(String name, String description, List<Parameter> parameters) {
  /**
   * A parameter name becomes {@code --name=value}: letters and digits only, so it cannot carry an
   * '=' or a space.
   */
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private static final ObjectMapper JSON = new ObjectMapper();

  public TemplateSpec {
    parameters = List.copyOf(parameters);
  }

  /**
   * One parameter of the template.
   *
   * @param defaultValue what the pipeline uses when the parameter is not given; null if it has none
   *     or computes it
   */
  public record Parameter(
      String name,
      String label,
      String helpText,
      boolean isOptional,
      List<String> regexes,
      @Nullable String defaultValue) {
    public Parameter {
      regexes = List.copyOf(regexes);
    }

    /** Why the value is not acceptable, or empty. */
    Optional<String> problemWith(String value) {
      for (String regex : regexes) {
        if (!Pattern.compile(regex).matcher(value).matches()) {
          return Optional.of(
              "parameter " + name + ": " + Messages.quote(value) + " does not match " + regex);
        }
      }
      return Optional.empty();
    }
  }

  /** Reads and checks a spec file. */
  public static TemplateSpec read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "template " + file + " is not valid JSON: " + e.getOriginalMessage());
    }
    return fromJson(root, file.toString());
  }

  static TemplateSpec fromJson(JsonNode root, String source) {
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("template " + source + " is not a JSON object");
    }
    String name = text(root, "name", problems);
    String description = text(root, "description", problems);
    List<Parameter> parameters = new ArrayList<>();
    JsonNode list = root.get("parameters");
    if (list == null || !list.isArray()) {
      problems.add("\"parameters\" must be an array");
    } else {
      Set<String> seen = new HashSet<>();
      for (JsonNode node : list) {
        Parameter parameter = parameter(node, problems);
        if (parameter != null && !seen.add(parameter.name())) {
          problems.add("parameter " + parameter.name() + " is declared twice");
        }
        parameters.add(parameter);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "template " + source + " is invalid:\n  - " + String.join("\n  - ", problems));
    }
    // text() reports a missing field as a problem, so both are here.
    return new TemplateSpec(
        Objects.requireNonNull(name), Objects.requireNonNull(description), parameters);
  }

  private static @Nullable Parameter parameter(JsonNode node, List<String> problems) {
    if (!node.isObject()) {
      problems.add("every entry of \"parameters\" must be an object, got " + node);
      return null;
    }
    int before = problems.size();
    String name = text(node, "name", problems);
    if (name != null && !PARAMETER_NAME.matcher(name).matches()) {
      problems.add("parameter name " + Messages.quote(name) + " is not letters and digits");
    }
    String label = text(node, "label", problems);
    String help = text(node, "helpText", problems);
    JsonNode optional = node.get("isOptional");
    if (optional != null && !optional.isBoolean()) {
      problems.add("parameter " + name + ": isOptional must be true or false");
    }
    List<String> regexes = new ArrayList<>();
    JsonNode regexNodes = node.get("regexes");
    if (regexNodes != null) {
      if (!regexNodes.isArray()) {
        problems.add("parameter " + name + ": regexes must be an array of strings");
      } else {
        for (JsonNode regex : regexNodes) {
          try {
            Pattern.compile(regex.asText());
            regexes.add(regex.asText());
          } catch (PatternSyntaxException e) {
            problems.add(
                "parameter "
                    + name
                    + ": regex "
                    + regex
                    + " does not compile: "
                    + e.getDescription());
          }
        }
      }
    }
    JsonNode defaultValue = node.get("defaultValue");
    if (problems.size() > before) {
      return null;
    }
    // Dataflow's own specs omit isOptional for required parameters.
    boolean isOptional = optional != null && optional.asBoolean();
    // text() reports a missing field as a problem, so all three are here.
    return new Parameter(
        Objects.requireNonNull(name),
        Objects.requireNonNull(label),
        Objects.requireNonNull(help),
        isOptional,
        regexes,
        defaultValue == null ? null : defaultValue.asText());
  }

  private static @Nullable String text(JsonNode node, String field, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      problems.add(
          "\""
              + field
              + "\" must be a non-empty string"
              + (node.has("name") ? " in " + node.get("name") : ""));
      return null;
    }
    return value.asText();
  }

  /** The spec as the JSON file holds it (with a final newline). */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", name);
    root.put("description", description);
    ArrayNode list = root.putArray("parameters");
    for (Parameter p : parameters) {
      ObjectNode node = list.addObject();
      node.put("name", p.name());
      node.put("label", p.label());
      node.put("helpText", p.helpText());
      node.put("isOptional", p.isOptional());
      if (!p.regexes().isEmpty()) {
        ArrayNode regexes = node.putArray("regexes");
        p.regexes().forEach(regexes::add);
      }
      if (p.defaultValue() != null) {
        node.put("defaultValue", p.defaultValue());
      }
    }
    try {
      return JSON.writer(new SpecPrinter()).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  public Optional<Parameter> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  /**
   * Every problem of a set of launch values: unknown names, missing required parameters, values a
   * regex rejects.
   */
  public List<String> check(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    String known = parameters.stream().map(Parameter::name).collect(Collectors.joining(", "));
    for (Map.Entry<String, String> value : values.entrySet()) {
      Optional<Parameter> parameter = parameter(value.getKey());
      if (parameter.isEmpty()) {
        problems.add(
            "unknown parameter "
                + Messages.quote(value.getKey())
                + " (the template "
                + name
                + " has: "
                + known
                + ")");
      } else if (value.getValue().indexOf('\0') >= 0) {
        // No process argument can hold it (the JVM refuses), so no launch could pass it on.
        problems.add(
            "parameter "
                + value.getKey()
                + ": "
                + Messages.quote(value.getValue())
                + " holds a NUL character");
      } else {
        parameter.get().problemWith(value.getValue()).ifPresent(problems::add);
      }
    }
    for (Parameter parameter : parameters) {
      if (!parameter.isOptional() && !values.containsKey(parameter.name())) {
        problems.add(
            "missing required parameter "
                + parameter.name()
                + " ("
                + parameter.label()
                + "): "
                + parameter.helpText());
      }
    }
    return problems;
  }

  /** Two-space indent, one array item per line, "key": value: the layout of hand-written specs. */
  private static final class SpecPrinter extends DefaultPrettyPrinter {
    SpecPrinter() {
      _objectIndenter = new DefaultIndenter("  ", "\n");
      _arrayIndenter = _objectIndenter;
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new SpecPrinter();
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator generator) throws IOException {
      generator.writeRaw(": ");
    }
  }
}

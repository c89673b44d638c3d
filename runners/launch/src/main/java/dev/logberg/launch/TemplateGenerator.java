package dev.logberg.launch;

import dev.logberg.pipeline.LogbergOptions;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Derives a template spec from a Beam options interface: one parameter per property it declares,
 * with the property's {@code @Description} as help text, its {@code @Default} as default value,
 * {@code @Validation.Required} as required, and a regex from its type. Known formats (S3 locations,
 * regions, identifiers...) tighten the regex.
 */
final class TemplateGenerator {
  static final String NAME = "spark-logs-to-iceberg";
  static final String DESCRIPTION =
      "Lands Spark application logs (JSON lines shipped by Fluent Bit, one folder per"
          + " application) in three Apache Iceberg tables: the log rows, the rejected lines with their reason, and each"
          + " application's processing status. Applications already landed are skipped; re-runs never duplicate a line.";

  /**
   * The local-lake demo starts an S3 server inside the job and replaces the input, warehouse and
   * catalog: a test knob of a laptop run, meaningless (and misleading) for a launched job.
   */
  static final Set<String> LOGBERG_EXCLUDED = Set.of("localLake", "localLakeDir");

  /**
   * Their defaults point into the repository (testdata/, target/), which a launched job does not
   * have.
   */
  static final Set<String> LOGBERG_REQUIRED = Set.of("input", "warehouse");

  private static final String S3_LOCATION = "s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^,]*)?";

  /**
   * A local path: no ',' (the list separator), no ':' (that would be a URL scheme), no control
   * characters.
   */
  private static final String LOCAL_PATH = "[^,:\\x00-\\x1f]+";

  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
  private static final String URL = "https?://[^\\s,/]+(/[^\\s,]*)?";

  /**
   * A label and a regex where the format is known; the regex is of one element for list properties.
   * A null label or regex keeps the one derived from the name or type.
   */
  record Format(@Nullable String label, @Nullable String regex) {}

  static final Map<String, Format> LOGBERG_FORMATS =
      Map.ofEntries(
          Map.entry("input", new Format("Input folders", S3_LOCATION + "|" + LOCAL_PATH)),
          Map.entry("warehouse", new Format(null, S3_LOCATION + "|" + LOCAL_PATH)),
          Map.entry("region", new Format("AWS region", "[a-z]{2}(-[a-z]+)+-[0-9]")),
          Map.entry("s3Endpoint", new Format(null, URL)),
          Map.entry("glueEndpoint", new Format(null, URL)),
          Map.entry("catalogType", new Format(null, "glue|rest|jdbc|hadoop")),
          Map.entry("catalogName", new Format(null, IDENTIFIER)),
          Map.entry("catalogUri", new Format(null, "(jdbc:|https?://)[^\\s]+")),
          Map.entry("glueCatalogId", new Format("Glue catalog ID (AWS account)", "[0-9]{12}")),
          // Values are free text (Iceberg properties); keys are not, and ',' separates the pairs.
          Map.entry("catalogProperties", new Format(null, "[^=,\\s]+=[^,]*")),
          Map.entry("database", new Format(null, IDENTIFIER)),
          Map.entry("table", new Format("Data table", IDENTIFIER)),
          Map.entry("partitionBy", new Format(null, "[A-Za-z0-9_(), ]+")),
          Map.entry("reprocess", new Format("Applications to reprocess", "spark-[A-Za-z0-9_-]+")),
          Map.entry(
              "resolveInProcessMaxRows", new Format("In-process resolution limit (rows)", null)));

  private final Class<?> options;
  private final Set<String> excluded;
  private final Set<String> required;
  private final Map<String, Format> formats;

  TemplateGenerator(
      Class<?> options, Set<String> excluded, Set<String> required, Map<String, Format> formats) {
    this.options = options;
    this.excluded = excluded;
    this.required = required;
    this.formats = formats;
  }

  /** The spec of deploy/templates/spark-logs-to-iceberg.json. */
  static TemplateSpec logberg() {
    return new TemplateGenerator(
            LogbergOptions.class, LOGBERG_EXCLUDED, LOGBERG_REQUIRED, LOGBERG_FORMATS)
        .generate(NAME, DESCRIPTION);
  }

  /** Required parameters first, then by name. */
  TemplateSpec generate(String name, String description) {
    List<TemplateSpec.Parameter> parameters = new ArrayList<>();
    for (Method getter : options.getDeclaredMethods()) {
      String property = property(getter);
      if (property != null && !excluded.contains(property)) {
        parameters.add(parameter(property, getter));
      }
    }
    parameters.sort(
        Comparator.comparing(TemplateSpec.Parameter::isOptional)
            .thenComparing(TemplateSpec.Parameter::name));
    return new TemplateSpec(name, description, parameters);
  }

  private TemplateSpec.Parameter parameter(String property, Method getter) {
    Description description = getter.getAnnotation(Description.class);
    if (description == null) {
      throw new IllegalStateException(
          options.getSimpleName()
              + "."
              + getter.getName()
              + " has no @Description: a template parameter needs help text");
    }
    Format format = formats.getOrDefault(property, new Format(null, null));
    boolean isRequired =
        required.contains(property) || getter.isAnnotationPresent(Validation.Required.class);
    String help = description.value();
    if (isRequired) {
      // "Unset: ..." describes the local default, which a required parameter does not have.
      help = help.replaceAll("\\s*Unset:[^.]*\\.", "");
    }
    String label = format.label() != null ? format.label() : label(property);
    String element =
        format.regex() != null
            ? format.regex()
            : typeRegex(elementType(getter.getGenericReturnType()));
    List<String> regexes =
        element == null
            ? List.of()
            : List.of(
                isList(getter)
                    ? "^(" + element + ")(,(" + element + "))*$"
                    : "^(" + element + ")$");
    return new TemplateSpec.Parameter(
        property, label, help, !isRequired, regexes, isRequired ? null : defaultValue(getter));
  }

  /** The property a getter reads, or null for methods that are not property getters. */
  private static @Nullable String property(Method method) {
    if (method.isSynthetic()
        || method.isDefault()
        || Modifier.isStatic(method.getModifiers())
        || method.getParameterCount() > 0
        || method.getReturnType() == void.class) {
      return null;
    }
    String name = method.getName();
    int prefix = name.startsWith("get") ? 3 : name.startsWith("is") ? 2 : 0;
    if (prefix == 0 || name.length() == prefix) {
      return null;
    }
    String property = name.substring(prefix);
    // As java.beans does: "S3Endpoint" -> "s3Endpoint", "URL" stays.
    if (property.length() > 1
        && Character.isUpperCase(property.charAt(1))
        && Character.isUpperCase(property.charAt(0))) {
      return property;
    }
    return Character.toLowerCase(property.charAt(0)) + property.substring(1);
  }

  private static boolean isList(Method getter) {
    return List.class.isAssignableFrom(getter.getReturnType());
  }

  private static Class<?> elementType(Type type) {
    if (type instanceof ParameterizedType parameterized
        && List.class.equals(parameterized.getRawType())
        && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
      return element;
    }
    return type instanceof Class<?> plain ? plain : Object.class;
  }

  /** The format of a type's values as Beam parses them; null when any text is accepted. */
  private static @Nullable String typeRegex(Class<?> type) {
    if (type == boolean.class || type == Boolean.class) {
      return "true|false";
    }
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class
        || type == byte.class
        || type == Byte.class) {
      return "-?[0-9]+";
    }
    if (type == double.class
        || type == Double.class
        || type == float.class
        || type == Float.class) {
      return "-?[0-9]+(\\.[0-9]+)?";
    }
    if (type.isEnum()) {
      return Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name())
          .collect(Collectors.joining("|"));
    }
    return null;
  }

  /**
   * A fixed default as text; null for none, or for defaults computed at run time
   * (Default.InstanceFactory).
   */
  private static @Nullable String defaultValue(Method getter) {
    for (Annotation a : getter.getAnnotations()) {
      if (a instanceof Default.String d) {
        return d.value();
      } else if (a instanceof Default.Boolean d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Integer d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Long d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Short d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Byte d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Double d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Float d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Character d) {
        return String.valueOf(d.value());
      } else if (a instanceof Default.Enum d) {
        return d.value();
      }
    }
    return null;
  }

  /** "catalogUri" -> "Catalog URI", "s3PathStyleAccess" -> "S3 path style access". */
  static String label(String property) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (char c : property.toCharArray()) {
      if (Character.isUpperCase(c) && word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
      }
      word.append(Character.toLowerCase(c));
    }
    words.add(word.toString());
    String label =
        words.stream()
            .map(
                w ->
                    switch (w) {
                      case "uri", "url", "id", "aws" -> w.toUpperCase(Locale.ROOT);
                      default -> w;
                    })
            .collect(Collectors.joining(" "));
    return Character.toUpperCase(label.charAt(0)) + label.substring(1);
  }
}

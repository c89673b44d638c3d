package dev.logberg.pipeline;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads the declarations of an options interface: each getter's {@link Param}, Beam's {@link
 * Description} and {@link Default}, and its type. Every consumer of an option's rules (validator,
 * template generator, {@code --help}, README table) reads them from here, so they cannot disagree.
 */
public final class OptionDeclarations {
  private OptionDeclarations() {}

  /**
   * One option as declared.
   *
   * @param regex the format of one value (one element of a list), from {@link Param#regex} or the
   *     type; null when any text is accepted
   * @param defaultValue the fixed default as text (a {@code @Default.X}); null for none or for one
   *     computed at run time
   * @param shownDefault the default as a user sees it, computed ones included; null for none
   */
  public record Option(
      String name,
      String label,
      String help,
      @Nullable String regex,
      String mismatch,
      String example,
      boolean required,
      boolean launchable,
      boolean isList,
      @Nullable String defaultValue,
      @Nullable String shownDefault) {

    /** Why {@code value} (one value, or one element of a list) breaks the format, if it does. */
    public Optional<String> problemWith(String value) {
      if (regex == null || Pattern.matches(regex, value)) {
        return Optional.empty();
      }
      return Optional.of(
          "--"
              + name
              + ": "
              + (mismatch.isEmpty()
                  ? "'" + value + "' does not match " + regex
                  : mismatch.replace("%s", value)));
    }

    /** The problems of a value as Beam parsed it (a list is checked element by element). */
    public List<String> problemsWith(@Nullable Object value) {
      if (value == null) {
        return List.of();
      }
      Collection<?> values = value instanceof Collection<?> c ? c : List.of(value);
      return values.stream()
          .map(v -> problemWith(String.valueOf(v)))
          .flatMap(Optional::stream)
          .toList();
    }
  }

  /** The options {@code options} declares itself (not inherited ones), by name. */
  public static List<Option> of(Class<?> options) {
    List<Option> result = new ArrayList<>();
    for (Method getter : options.getDeclaredMethods()) {
      String property = property(getter);
      if (property != null) {
        result.add(option(options, property, getter));
      }
    }
    result.sort(Comparator.comparing(Option::name));
    return result;
  }

  /** The option {@code name} of {@code options}. */
  public static Option named(Class<?> options, String name) {
    return of(options).stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no option " + name));
  }

  /** The getter of an option. */
  public static Method getter(Class<?> options, String name) {
    for (Method method : options.getDeclaredMethods()) {
      if (name.equals(property(method))) {
        return method;
      }
    }
    throw new IllegalArgumentException("no option " + name);
  }

  private static Option option(Class<?> options, String property, Method getter) {
    Description description = getter.getAnnotation(Description.class);
    if (description == null) {
      throw new IllegalStateException(
          options.getSimpleName()
              + "."
              + getter.getName()
              + " has no @Description: every option needs help text");
    }
    Param param = getter.getAnnotation(Param.class);
    boolean isList = List.class.isAssignableFrom(getter.getReturnType());
    String regex =
        param != null && !param.regex().isEmpty()
            ? param.regex()
            : typeRegex(elementType(getter.getGenericReturnType()));
    boolean required =
        (param != null && param.required())
            || getter.isAnnotationPresent(Validation.Required.class);
    String defaultValue = defaultValue(getter);
    return new Option(
        property,
        param != null && !param.label().isEmpty() ? param.label() : label(property),
        description.value(),
        regex,
        param == null ? "" : param.mismatch(),
        param == null ? "" : param.example(),
        required,
        param == null || param.launchable(),
        isList,
        defaultValue,
        defaultValue != null ? defaultValue : computedDefault(getter));
  }

  /** The property a getter reads, or null for methods that are not property getters. */
  static @Nullable String property(Method method) {
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

  /** A Default.InstanceFactory's value as a user would type it (a list comma-separated). */
  private static @Nullable String computedDefault(Method getter) {
    Default.InstanceFactory factory = getter.getAnnotation(Default.InstanceFactory.class);
    if (factory == null) {
      return null;
    }
    try {
      Object value =
          ((DefaultValueFactory<?>) factory.value().getDeclaredConstructor().newInstance())
              .create(PipelineOptionsFactory.create());
      return value instanceof Collection<?> c
          ? c.stream().map(String::valueOf).collect(Collectors.joining(","))
          : String.valueOf(value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot compute the default of " + getter, e);
    }
  }

  /** "catalogUri" -> "Catalog URI", "s3PathStyleAccess" -> "S3 path style access". */
  public static String label(String property) {
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

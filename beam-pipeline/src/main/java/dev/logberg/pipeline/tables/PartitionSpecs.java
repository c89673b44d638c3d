package dev.logberg.pipeline.tables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * Parses the {@code --partitionBy} text (e.g. {@code day(timestamp),bucket(16,event_id)}) into a
 * spec.
 */
public final class PartitionSpecs {
  private PartitionSpecs() {}

  public static PartitionSpec parse(String text, Schema schema) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
      return PartitionSpec.unpartitioned();
    }
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (String term : splitTopLevel(trimmed)) {
      addTerm(builder, term.trim(), schema);
    }
    return builder.build();
  }

  private static void addTerm(PartitionSpec.Builder builder, String term, Schema schema) {
    int open = term.indexOf('(');
    if (open < 0) {
      builder.identity(column(term, schema, term));
      return;
    }
    if (!term.endsWith(")")) {
      throw new IllegalArgumentException(
          "partition term '" + term + "' has no closing parenthesis");
    }
    String transform = term.substring(0, open).trim().toLowerCase(Locale.ROOT);
    String[] args = term.substring(open + 1, term.length() - 1).split(",");
    switch (transform) {
      case "year" -> builder.year(column(single(args, term), schema, term));
      case "month" -> builder.month(column(single(args, term), schema, term));
      case "day" -> builder.day(column(single(args, term), schema, term));
      case "hour" -> builder.hour(column(single(args, term), schema, term));
      case "identity" -> builder.identity(column(single(args, term), schema, term));
      case "bucket" ->
          builder.bucket(column(second(args, term), schema, term), width(args[0], term));
      case "truncate" ->
          builder.truncate(column(second(args, term), schema, term), width(args[0], term));
      default ->
          throw new IllegalArgumentException(
              "partition term '"
                  + term
                  + "': unknown transform '"
                  + transform
                  + "' (use year, month, day, hour, identity, bucket(N,col) or truncate(N,col))");
    }
  }

  private static String column(String name, Schema schema, String term) {
    String column = name.trim();
    if (schema.findField(column) == null) {
      throw new IllegalArgumentException(
          "partition term '" + term + "': no column '" + column + "' in the table");
    }
    return column;
  }

  private static String single(String[] args, String term) {
    if (args.length != 1) {
      throw new IllegalArgumentException("partition term '" + term + "' takes exactly one column");
    }
    return args[0];
  }

  private static String second(String[] args, String term) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "partition term '" + term + "' takes a width and a column: f(N,col)");
    }
    return args[1];
  }

  private static int width(String text, String term) {
    try {
      int width = Integer.parseInt(text.trim());
      if (width > 0) {
        return width;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "partition term '" + term + "': width must be a positive integer");
  }

  /** Splits on commas that are not inside parentheses. */
  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }
}

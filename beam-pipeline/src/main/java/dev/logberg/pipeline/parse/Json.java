package dev.logberg.pipeline.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Reading JSON lines and taking text out of them, the same way for every field. */
final class Json {
  private Json() {}

  private static final int BRIEF_CHARS = 80;

  // Shared: a configured ObjectMapper is thread-safe. Floats stay exact BigDecimals (epoch
  // timestamps with fractions must not go through double), and error messages must not echo the
  // (possibly huge) line.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  /** Reads exactly one JSON value; anything but whitespace after it is an error. */
  static JsonNode readValue(String text) throws IOException {
    try (JsonParser parser = MAPPER.createParser(text)) {
      JsonNode value = MAPPER.readTree(parser);
      if (hasTrailingContent(parser)) {
        throw new JsonParseException(parser, "trailing content after the JSON value");
      }
      return value;
    }
  }

  private static boolean hasTrailingContent(JsonParser parser) {
    try {
      return parser.nextToken() != null;
    } catch (IOException unreadable) {
      return true; // e.g. `{"a":1} xyz`: garbage after the value, which is what the detail should
      // say
    }
  }

  /** Short detail for a line Jackson cannot read: where and what, without the line itself. */
  static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException jpe)) {
      return "invalid JSON: " + abbreviate(e.getMessage());
    }
    String problem = withoutSourceReference(jpe.getOriginalMessage());
    return jpe.getLocation() == null
        ? "invalid JSON: " + abbreviate(problem)
        : "invalid JSON at column " + jpe.getLocation().getColumnNr() + ": " + abbreviate(problem);
  }

  /** Drops a trailing " (start marker at [Source: ...])": the column already says where. */
  private static @Nullable String withoutSourceReference(@Nullable String message) {
    if (message == null) {
      return null;
    }
    int source = message.indexOf("[Source:");
    if (source < 0) {
      return message;
    }
    int parenthesis = message.lastIndexOf(" (", source);
    return message.substring(0, parenthesis < 0 ? source : parenthesis);
  }

  /**
   * The child {@code field} of {@code parent}, or null if parent is no object or the field is
   * missing or JSON null.
   */
  static @Nullable JsonNode present(@Nullable JsonNode parent, String field) {
    if (parent == null || !parent.isObject()) {
      return null;
    }
    JsonNode child = parent.get(field);
    return child == null || child.isNull() ? null : child;
  }

  /**
   * {@link #present} as text: scalars give their text ("42", "true"), objects and arrays their
   * compact JSON.
   */
  static @Nullable String text(@Nullable JsonNode parent, String field) {
    JsonNode child = present(parent, field);
    return child == null ? null : asText(child);
  }

  static String asText(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** A value as JSON (strings quoted), shortened, for reject details. */
  static String brief(JsonNode node) {
    return abbreviate(node.toString());
  }

  private static String abbreviate(@Nullable String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    String firstLine = newline < 0 ? text : text.substring(0, newline);
    return firstLine.length() <= BRIEF_CHARS
        ? firstLine
        : firstLine.substring(0, BRIEF_CHARS) + "...";
  }
}

package dev.logberg.pipeline.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A log4j2 JsonLayout event carried as a string in a Fluent Bit record's {@code log} field. */
final class Log4jDocument {
  private Log4jDocument() {}

  /**
   * The event in {@code log}, or null when {@code log} is plain container text rather than one JSON
   * object.
   */
  static @Nullable JsonNode parse(String log) {
    if (!startsWithBrace(log)) {
      return null; // plain text never pays for a JSON parse attempt
    }
    try {
      JsonNode event = Json.readValue(log);
      return event.isObject() ? event : null;
    } catch (IOException notJson) {
      return null;
    }
  }

  private static boolean startsWithBrace(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  /**
   * The event's message with its {@code thrown} exception appended, so stack traces are not lost;
   * null without one.
   */
  static @Nullable String message(@Nullable JsonNode event) {
    String message = Json.text(event, "message");
    JsonNode thrown = Json.present(event, "thrown");
    if (message == null || thrown == null) {
      return message;
    }
    StringBuilder out = new StringBuilder(message);
    appendThrown(out, thrown, "");
    return out.toString();
  }

  /**
   * As Throwable.printStackTrace does: "name: message", a "\tat ..." line per frame, then "Caused
   * by: ...".
   */
  private static void appendThrown(StringBuilder out, JsonNode thrown, String headerPrefix) {
    if (!thrown.isObject()) {
      out.append('\n').append(headerPrefix).append(Json.asText(thrown));
      return;
    }
    String name = Json.text(thrown, "name");
    String text = Json.text(thrown, "message");
    String header =
        headerPrefix + (name == null ? "exception" : name) + (text == null ? "" : ": " + text);
    JsonNode trace = Json.present(thrown, "extendedStackTrace");
    if (trace != null && trace.isTextual()) {
      // stacktraceAsString: the trace is printed already, normally with its header and causes.
      String printed = trace.textValue();
      if (name == null || !printed.startsWith(name)) {
        out.append('\n').append(header);
      }
      out.append('\n').append(printed);
      return;
    }
    out.append('\n').append(header);
    if (trace != null && trace.isArray()) {
      for (JsonNode frame : trace) {
        out.append("\n\tat ");
        appendFrame(out, frame);
      }
    }
    JsonNode cause = Json.present(thrown, "cause");
    if (cause != null) {
      appendThrown(out, cause, "Caused by: ");
    }
  }

  /** "class.method(file:line)", as StackTraceElement prints it. */
  private static void appendFrame(StringBuilder out, JsonNode frame) {
    if (!frame.isObject()) {
      out.append(Json.asText(frame));
      return;
    }
    String file = Json.text(frame, "file");
    String line = Json.text(frame, "line");
    out.append(Json.text(frame, "class"))
        .append('.')
        .append(Json.text(frame, "method"))
        .append('(');
    out.append(file == null ? "Unknown Source" : file);
    if (file != null && line != null && !line.startsWith("-")) {
      out.append(':').append(line);
    }
    out.append(')');
  }
}

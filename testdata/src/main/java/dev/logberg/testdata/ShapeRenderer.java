package dev.logberg.testdata;

import java.util.SplittableRandom;

/**
 * Renders a {@link LogEvent} as one line of shape A, B or C, either valid or broken in the way a
 * {@link LineKind} says. Returns the timestamp the pipeline must read from a valid line, so the
 * manifest counts exactly what was written (a fraction cut to milliseconds counts as milliseconds,
 * nanoseconds are floored to microseconds).
 */
final class ShapeRenderer {
  private static final String LOG4J_TAIL_PREFIX =
      ",\"endOfBatch\":false,\"loggerFqcn\":\"org.apache.logging.slf4j.Log4jLogger\",\"threadId\":";

  private final SplittableRandom rnd;

  /** The message text before JSON escaping. */
  private final StringBuilder text = new StringBuilder(4096);

  /** Shape C's log4j document before it is escaped into the {@code log} string. */
  private final StringBuilder doc = new StringBuilder(4096);

  ShapeRenderer(SplittableRandom rnd) {
    this.rnd = rnd;
  }

  /**
   * Appends the line to {@code out}.
   *
   * @param kind {@link LineKind#VALID}, {@link LineKind#OUTER_TIME_ONLY} (same as VALID outside
   *     shape C) or a reject kind that depends on the shape
   * @return for valid lines, the timestamp the pipeline reads, in epoch microseconds; meaningless
   *     for rejects
   */
  long render(
      StringBuilder out, Shape shape, PodContext ctx, LogEvent ev, long nanos, LineKind kind) {
    long effective =
        switch (shape) {
          case A -> renderA(out, ctx, ev, nanos, kind);
          case B -> renderB(out, ctx, ev, nanos, kind);
          case C -> renderC(out, ctx, ev, nanos, kind);
        };
    return Math.floorDiv(effective, 1000L);
  }

  private long renderA(StringBuilder out, PodContext ctx, LogEvent ev, long nanos, LineKind kind) {
    out.append('{');
    long effective = 0;
    if (!appendBrokenTime(out, "timestamp", nanos, kind)) {
      int r = rnd.nextInt(100);
      int digits = r < 60 ? 6 : r < 85 ? 3 : 9;
      effective = Instants.truncate(nanos, digits);
      out.append("\"timestamp\":\"");
      Instants.appendIso(out, effective, digits, 0, true);
      out.append("\",");
    }
    out.append("\"log_level\":\"").append(ev.level.name()).append('"');
    appendMessage(out, ev, kind);
    out.append(',').append(ctx.kubernetesJson).append('}');
    return effective;
  }

  private long renderB(StringBuilder out, PodContext ctx, LogEvent ev, long nanos, LineKind kind) {
    out.append('{');
    long effective = 0;
    if (!appendBrokenTime(out, "time", nanos, kind)) {
      effective = appendFlatTime(out, nanos);
    }
    out.append(ctx.flatJson).append(",\"level\":\"").append(ev.level.name()).append('"');
    appendMessage(out, ev, kind);
    out.append('}');
    return effective;
  }

  /**
   * Fluent Bit's time key depends on the input plugin and parser; the tree mixes them: ISO with Z,
   * epoch seconds with a fraction, epoch milliseconds, and ISO with a local offset.
   */
  private long appendFlatTime(StringBuilder out, long nanos) {
    int r = rnd.nextInt(10);
    if (r < 5) {
      int digits = rnd.nextInt(10) < 7 ? 3 : 6;
      long effective = Instants.truncate(nanos, digits);
      out.append("\"time\":\"");
      Instants.appendIso(out, effective, digits, 0, true);
      out.append("\",");
      return effective;
    }
    if (r < 7) {
      long micros = Instants.doubleSafeEpochMicros(Math.floorDiv(nanos, 1000L));
      out.append("\"date\":").append(Instants.epochSecondsText(micros)).append(',');
      return micros * 1000L;
    }
    if (r < 8) {
      long millis = Math.floorDiv(nanos, Instants.NANOS_PER_MILLI);
      out.append("\"date\":").append(millis).append(',');
      return millis * Instants.NANOS_PER_MILLI;
    }
    int digits = rnd.nextInt(10) < 7 ? 3 : 6;
    int offsetMinutes = rnd.nextInt(5) == 0 ? 330 : 60;
    long effective = Instants.truncate(nanos, digits);
    out.append("\"@timestamp\":\"");
    Instants.appendIso(out, effective, digits, offsetMinutes, true);
    out.append("\",");
    return effective;
  }

  private long renderC(StringBuilder out, PodContext ctx, LogEvent ev, long nanos, LineKind kind) {
    // Fluent Bit stamps the record a little after log4j stamped the event; the pipeline must prefer
    // log4j's time.
    long outer = nanos + 100_000L + rnd.nextInt(2_900_000);
    long effective = 0;
    out.append('{');
    if (!appendBrokenTime(out, "time", nanos, kind)) {
      out.append("\"time\":\"");
      Instants.appendIso(out, outer, 9, 0, true);
      out.append("\",");
    }
    switch (kind) {
      // No message anywhere: the record lost its log field (a filter dropped it) or holds null. A
      // log4j document without message is avoided on purpose: the pipeline then takes the log text
      // itself as the message.
      case NO_MESSAGE -> out.append("\"stream\":\"stderr\",");
      case NULL_MESSAGE -> out.append("\"stream\":\"stderr\",\"log\":null,");
      default -> {
        // Only VALID lines carry log4j's time; for the timestamp rejects and OUTER_TIME_ONLY the
        // outer time decides.
        effective = appendLog4jDocument(out, ev, nanos, kind == LineKind.VALID, outer);
        out.append(',');
      }
    }
    out.append(ctx.kubernetesJson).append('}');
    return effective;
  }

  /**
   * {@code "stream":"stderr","log":"<escaped JsonLayout event>"}; returns the time the event
   * carries.
   */
  private long appendLog4jDocument(
      StringBuilder out, LogEvent ev, long nanos, boolean log4jTime, long outer) {
    long effective = outer;
    doc.setLength(0);
    doc.append('{');
    if (log4jTime) {
      if (rnd.nextInt(5) == 0) {
        long millis = Math.floorDiv(nanos, Instants.NANOS_PER_MILLI);
        doc.append("\"timeMillis\":").append(millis).append(',');
        effective = millis * Instants.NANOS_PER_MILLI;
      } else {
        doc.append("\"instant\":{\"epochSecond\":")
            .append(Math.floorDiv(nanos, Instants.NANOS_PER_SECOND))
            .append(",\"nanoOfSecond\":")
            .append(Math.floorMod(nanos, Instants.NANOS_PER_SECOND))
            .append("},");
        effective = nanos;
      }
    }
    doc.append("\"thread\":");
    Json.appendString(doc, ev.thread);
    doc.append(",\"level\":\"").append(ev.level.name()).append("\",\"loggerName\":");
    Json.appendString(doc, ev.logger);
    doc.append(",\"message\":");
    Json.appendString(doc, ev.message);
    if (ev.thrownName != null) {
      doc.append(",\"thrown\":{\"name\":");
      Json.appendString(doc, ev.thrownName);
      doc.append(",\"message\":");
      Json.appendString(doc, ev.thrownMessage);
      text.setLength(0);
      ev.appendThrowable(text);
      doc.append(",\"extendedStackTrace\":");
      Json.appendString(doc, text);
      doc.append('}');
    }
    doc.append(LOG4J_TAIL_PREFIX).append(ev.threadId).append(",\"threadPriority\":5}");

    out.append("\"stream\":\"stderr\",\"log\":\"");
    Json.appendEscaped(out, doc);
    out.append('"');
    return effective;
  }

  /**
   * Writes the time field of a timestamp reject ({@code "yesterday"}, or ISO without offset),
   * nothing for a missing one. Returns false when the line needs a real timestamp.
   */
  private static boolean appendBrokenTime(
      StringBuilder out, String key, long nanos, LineKind kind) {
    switch (kind) {
      case NO_TIME -> {
        return true;
      }
      case TIME_WORD -> {
        out.append('"').append(key).append("\":\"yesterday\",");
        return true;
      }
      case TIME_NO_OFFSET -> {
        out.append('"').append(key).append("\":\"");
        Instants.appendIso(out, nanos, 0, 0, false);
        out.append("\",");
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * {@code ,"message":...} of shapes A and B: the full text, null, or nothing, as the kind says.
   */
  private void appendMessage(StringBuilder out, LogEvent ev, LineKind kind) {
    switch (kind) {
      case NO_MESSAGE -> {}
      case NULL_MESSAGE -> out.append(",\"message\":null");
      default -> {
        text.setLength(0);
        ev.appendFullMessage(text);
        out.append(",\"message\":\"");
        Json.appendEscaped(out, text);
        out.append('"');
      }
    }
  }
}

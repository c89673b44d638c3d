package dev.logberg.testdata;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One log4j event before it is rendered in a shape. Mutable and reused: one per pod writer, not one
 * per line.
 */
final class LogEvent {
  // Placeholders until start(): every event is started before it is rendered.
  Level level = Level.INFO;
  String logger = "";
  final StringBuilder thread = new StringBuilder(96);
  int threadId;
  final StringBuilder message = new StringBuilder(512);

  /** Exception class, or null when the event carries no throwable. */
  @Nullable String thrownName;

  final StringBuilder thrownMessage = new StringBuilder(128);

  /**
   * The {@code \tat ...} frames (and any {@code Caused by:} sections) after the exception's first
   * line.
   */
  final StringBuilder stackTrace = new StringBuilder(2048);

  /** Starts a new event; returns the message builder to append the text to. */
  StringBuilder start(Level level, String logger, String thread, int threadId) {
    this.level = level;
    this.logger = logger;
    this.thread.setLength(0);
    this.thread.append(thread);
    this.threadId = threadId;
    message.setLength(0);
    thrownName = null;
    thrownMessage.setLength(0);
    stackTrace.setLength(0);
    return message;
  }

  /**
   * The text shapes A and B carry in {@code message}: Spark's pattern layout prints the throwable
   * after the message, so its stack trace ends up in the same field (newlines escaped by the JSON
   * encoder).
   */
  void appendFullMessage(StringBuilder out) {
    out.append(message);
    if (thrownName != null) {
      out.append('\n');
      appendThrowable(out);
    }
  }

  /** {@code name: message}, newline, frames: log4j's {@code extendedStackTrace} as a string. */
  void appendThrowable(StringBuilder out) {
    out.append(thrownName).append(": ").append(thrownMessage).append('\n').append(stackTrace);
  }
}

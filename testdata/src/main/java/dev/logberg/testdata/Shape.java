package dev.logberg.testdata;

/** The three line shapes the pipeline accepts (testdata/README.md, "The three line shapes"). */
enum Shape {
  /** Nested, documented shape: {@code timestamp, log_level, message, kubernetes{...}}. */
  A,
  /**
   * Flat record after a Fluent Bit Lua filter; time under {@code time}, {@code date} or
   * {@code @timestamp}.
   */
  B,
  /** Fluent Bit record whose {@code log} field holds a log4j2 JsonLayout document as a string. */
  C
}

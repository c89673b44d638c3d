package dev.logberg.testdata;

/**
 * What a line's message holds: ordinary Spark text, or one of the edge cases the small tree must
 * contain.
 */
enum MessageKind {
  RANDOM,
  /** Non-ASCII text, including a character outside the BMP (a surrogate pair in Java). */
  UNICODE,
  /** Double quotes and a backslash, which must arrive JSON-escaped. */
  QUOTED,
  /** An empty string: still a valid message. */
  EMPTY,
  /** A stack trace of about 20 KB in one line. */
  LONG_TRACE
}

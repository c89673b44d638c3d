package dev.logberg.testdata;

/** A bad command line; the message names the offending option. Exit code 2. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}

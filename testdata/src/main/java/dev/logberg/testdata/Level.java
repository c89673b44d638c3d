package dev.logberg.testdata;

/** Log levels written by the generator; the manifest counts valid lines per level. */
enum Level {
  DEBUG,
  INFO,
  WARN,
  ERROR
}

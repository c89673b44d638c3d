package dev.logberg.testdata;

/**
 * Why the pipeline rejects a line. The names are the pipeline's enum constants, so the manifest can
 * be compared as is.
 */
public enum RejectReason {
  INVALID_JSON,
  NOT_AN_OBJECT,
  MISSING_TIMESTAMP,
  INVALID_TIMESTAMP,
  MISSING_MESSAGE
}

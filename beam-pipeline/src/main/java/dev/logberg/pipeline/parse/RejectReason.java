package dev.logberg.pipeline.parse;

/** Why a log line was not landed; stored with the line in the rejects table. */
public enum RejectReason {
  INVALID_JSON,
  NOT_AN_OBJECT,
  MISSING_TIMESTAMP,
  INVALID_TIMESTAMP,
  MISSING_MESSAGE,
  /** Decided by the reader, which never hands such a line to the parser. */
  LINE_TOO_LONG
}

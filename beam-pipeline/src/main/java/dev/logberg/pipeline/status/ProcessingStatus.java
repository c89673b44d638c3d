package dev.logberg.pipeline.status;

/** The status of an application in the metadata table. */
public enum ProcessingStatus {
  PROCESSING,
  SUCCESS,
  FAILED
}

package dev.logberg.pipeline.status;

import java.io.Serializable;

/** The latest metadata row of an application: what a run needs to decide whether to process it. */
public record AppStatus(
    String appId, ProcessingStatus status, String fingerprint, int attempts, long updatedAtMicros)
    implements Serializable {}

package dev.logberg.pipeline.status;

import dev.logberg.pipeline.discover.AppFolder;
import java.io.Serializable;

/**
 * An application folder this run processes, with the decision that chose it and the attempt number.
 */
public record PlannedRun(AppFolder folder, Decision decision, int attempt) implements Serializable {

  public String appId() {
    return folder.appId();
  }
}

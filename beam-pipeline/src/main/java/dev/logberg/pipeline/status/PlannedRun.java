package dev.logberg.pipeline.status;

import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import java.io.Serializable;
import java.util.List;

/**
 * An application this run claimed, with the decision that chose it, the attempt number and what it
 * lands.
 *
 * @param toLand the files this run reads
 * @param migrated files an earlier release landed with the whole folder, recorded in the files
 *     table by this run (once) so that they are never read again
 * @param keptRecords rows of the files that stay landed (not read again), for the status's total
 * @param keptRejected rejected lines of those files
 */
public record PlannedRun(
    AppFolder folder,
    Decision decision,
    int attempt,
    List<LogFile> toLand,
    List<LogFile> migrated,
    long keptRecords,
    long keptRejected)
    implements Serializable {

  public PlannedRun {
    toLand = List.copyOf(toLand);
    migrated = List.copyOf(migrated);
  }

  /** A run that lands every file of the folder. */
  public static PlannedRun allFiles(AppFolder folder, Decision decision, int attempt) {
    return new PlannedRun(folder, decision, attempt, folder.files(), List.of(), 0, 0);
  }

  public String appId() {
    return folder.appId();
  }
}

package dev.logberg.pipeline.status;

import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import java.util.List;
import java.util.Map;

/**
 * Which files of a processed application a run lands: all of them when the application is new or
 * forced, otherwise those without a files-table row or whose size changed. Fluent Bit's S3 output
 * never rewrites an object, so a grown folder costs its new files only.
 */
public final class FileSelection {
  private FileSelection() {}

  /**
   * @param landed the application's files-table rows, by source file
   */
  public static List<LogFile> toLand(
      AppFolder folder, Decision decision, Map<String, LandedFile> landed) {
    if (decision.allFiles()) {
      return folder.files();
    }
    return folder.files().stream().filter(f -> !isLanded(f, landed)).toList();
  }

  /** The files of {@code folder} that stay as landed: they are not landed again. */
  public static List<LogFile> kept(
      AppFolder folder, Decision decision, Map<String, LandedFile> landed) {
    if (decision.allFiles()) {
      return List.of();
    }
    return folder.files().stream().filter(f -> isLanded(f, landed)).toList();
  }

  private static boolean isLanded(LogFile file, Map<String, LandedFile> landed) {
    LandedFile row = landed.get(file.sourceFile());
    return row != null && row.bytes() == file.size();
  }
}

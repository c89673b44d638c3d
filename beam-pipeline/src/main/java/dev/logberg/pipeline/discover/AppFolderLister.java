package dev.logberg.pipeline.discover;

import dev.logberg.pipeline.storage.S3Settings;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Lists application folders and their files on one kind of storage. */
public interface AppFolderLister extends Serializable {

  /** Folder names that mark a Spark application: {@code spark-<app id>}. */
  String APP_FOLDER_PREFIX = "spark-";

  /**
   * Locations of the {@code spark-*} folders directly under {@code root}; fails if {@code root}
   * cannot be listed.
   */
  List<String> listAppFolders(String root) throws IOException;

  /** Every non-hidden file below an application folder, at any depth. */
  List<LogFile> listFiles(String appFolder) throws IOException;

  /**
   * The lister for a location's scheme: {@code s3://} or a local path; {@code s3} may be null for a
   * local path.
   */
  static AppFolderLister forLocation(String location, @Nullable S3Settings s3) {
    if (location.startsWith("s3://")) {
      return new S3AppFolderLister(
          Objects.requireNonNull(s3, () -> "input " + location + ": no S3 settings to list it"));
    }
    if (location.contains("://") && !location.startsWith("file://")) {
      throw new IllegalArgumentException(
          "input " + location + ": only s3:// and local folders can be listed");
    }
    return new LocalAppFolderLister();
  }
}

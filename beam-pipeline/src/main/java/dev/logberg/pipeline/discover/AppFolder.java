package dev.logberg.pipeline.discover;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * An application folder as discovered: its id (the folder name, {@code spark-...}), location and
 * files.
 *
 * <p>The fingerprint hashes the files' names and sizes, so a folder that grew (a new or longer
 * file) gets a new one.
 */
public record AppFolder(String appId, String location, List<LogFile> files)
    implements Serializable {

  public AppFolder {
    files = files.stream().sorted(Comparator.comparing(LogFile::sourceFile)).toList();
  }

  public long bytes() {
    return files.stream().mapToLong(LogFile::size).sum();
  }

  public String fingerprint() {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    for (LogFile file : files) {
      digest.update(
          (file.sourceFile() + '\t' + file.size() + '\n').getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }
}

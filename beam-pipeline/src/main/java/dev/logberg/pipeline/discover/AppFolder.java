package dev.logberg.pipeline.discover;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

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
    MessageDigest digest = sha256();
    files.forEach(file -> add(digest, file));
    return hex(digest);
  }

  /**
   * The files an earlier landing of this folder saw, if they are the first files in name order: the
   * longest prefix of {@link #files()} whose fingerprint is {@code fingerprint}, or null if none
   * is. Fluent Bit names objects by upload time, so a grown folder's old files come first.
   */
  public @Nullable List<LogFile> prefixWithFingerprint(String fingerprint) {
    MessageDigest digest = sha256();
    List<LogFile> found = hex(clone(digest)).equals(fingerprint) ? List.of() : null;
    for (int i = 0; i < files.size(); i++) {
      add(digest, files.get(i));
      if (hex(clone(digest)).equals(fingerprint)) {
        found = files.subList(0, i + 1);
      }
    }
    return found;
  }

  private static void add(MessageDigest digest, LogFile file) {
    digest.update((file.sourceFile() + '\t' + file.size() + '\n').getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }

  private static MessageDigest clone(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

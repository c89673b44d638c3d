package dev.logberg.pipeline.parse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable ids for log lines: the same file and line always get the same id, so re-running a job
 * upserts instead of duplicating.
 */
public final class EventIds {
  private EventIds() {}

  private static final int ID_BYTES = 16;
  private static final HexFormat HEX = HexFormat.of();

  // MessageDigest is not thread-safe and costly to look up; one per thread keeps this cheap per
  // line.
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(EventIds::newSha256);

  /**
   * First 16 bytes of SHA-256 over the UTF-8 of {@code sourceFile + "\n" + lineNumber}, as 32
   * lowercase hex.
   */
  public static String of(String sourceFile, long lineNumber) {
    byte[] hash =
        SHA_256.get().digest((sourceFile + "\n" + lineNumber).getBytes(StandardCharsets.UTF_8));
    return HEX.formatHex(hash, 0, ID_BYTES);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}

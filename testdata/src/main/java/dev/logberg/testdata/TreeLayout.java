package dev.logberg.testdata;

import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Names in the tree, as Fluent Bit's S3 output and the Spark operator make them: {@code spark-<32
 * hex>/<pod>/<pod>_<HHMMSS>_<6 alnum>.json[.gz]}, pods {@code <app>-<6 hex>-driver|-exec-<n>}.
 */
final class TreeLayout {
  /** A non-application folder the pipeline must skip (the small tree has one). */
  static final String IGNORED_FOLDER = "fluent-bit-buffer";

  /** Keeps an empty application folder in git; hidden files are invisible to the pipeline. */
  static final String GITKEEP = ".gitkeep";

  private static final Pattern APP_FOLDER = Pattern.compile("spark-[0-9a-f]{32}");
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private TreeLayout() {}

  static boolean isAppFolder(String name) {
    return APP_FOLDER.matcher(name).matches();
  }

  /** Names the generator may have written at the top of an output folder, and so may replace. */
  static boolean isGeneratedTopLevel(String name) {
    return isAppFolder(name) || name.equals(IGNORED_FOLDER);
  }

  static String appId(SplittableRandom rnd) {
    return "spark-" + random(rnd, HEX, 32);
  }

  static String podPrefix(String appName, SplittableRandom rnd) {
    return appName + "-" + random(rnd, HEX, 6);
  }

  static String driverPod(String podPrefix) {
    return podPrefix + "-driver";
  }

  static String executorPod(String podPrefix, int executorId) {
    return podPrefix + "-exec-" + executorId;
  }

  static String fileName(String podName, long startNanos, boolean gzip, SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder(podName).append('_');
    Instants.appendCompactTime(sb, startNanos);
    return sb.append('_')
        .append(random(rnd, ALNUM, 6))
        .append(gzip ? ".json.gz" : ".json")
        .toString();
  }

  static String uuid(SplittableRandom rnd) {
    String h = random(rnd, HEX, 32);
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20);
  }

  static String ip(SplittableRandom rnd) {
    return "10.0." + (1 + rnd.nextInt(6)) + "." + (2 + rnd.nextInt(250));
  }

  /** EKS node names are derived from the node's private IP. */
  static String node(SplittableRandom rnd) {
    return "ip-" + ip(rnd).replace('.', '-') + ".ec2.internal";
  }

  private static String random(SplittableRandom rnd, char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[rnd.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}

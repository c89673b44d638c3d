package dev.logberg.runners.spark;

import dev.logberg.pipeline.Main;

/**
 * Entry point of {@code logberg-spark.jar}, for {@code java -jar} (with {@code
 * --sparkMaster=local[2]}) and for spark-submit / the Spark operator, whose {@code spark.master}
 * takes precedence over {@code --sparkMaster}.
 */
public final class LogbergSpark {
  private LogbergSpark() {}

  public static void main(String[] args) {
    // Ends the JVM itself: a Spark driver's non-daemon threads would otherwise keep it (and its
    // pod) alive.
    Main.main(Main.withDefaults(args, "--runner=SparkRunner"));
  }
}

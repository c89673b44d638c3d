package dev.logberg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Logberg run's CPU went, from a JFR recording: each execution sample (a Java thread on
 * CPU) is put in the stage of the most telling frame on its stack, and the stages are reported with
 * their share and their hottest leaf methods, with the GC pauses beside them.
 *
 * <p>A stack belongs to the first stage of {@link #STAGES} that any of its frames matches. The
 * order encodes which frame explains the cost: a parse DoFn whose output is encoded by the
 * DirectRunner's immutability check is charged to the check; a Managed write DoFn that compresses
 * Parquet pages is charged to the Parquet write, not to Beam.
 *
 * <pre>JfrStages RECORDING.jfr [OUT.md]</pre>
 */
public final class JfrStages {
  private record Stage(String name, Predicate<String> frame) {}

  private static Predicate<String> prefixes(String... prefixes) {
    return frame -> {
      for (String p : prefixes) {
        if (frame.startsWith(p)) {
          return true;
        }
      }
      return false;
    };
  }

  private static final List<Stage> STAGES =
      List.of(
          new Stage(
              "upsert resolution (key scan, winners, delete files)",
              prefixes(
                  "dev.logberg.upsert.MergeKeyResolver",
                  "dev.logberg.upsert.KeyScanner",
                  "dev.logberg.upsert.ResolveMergeKeys",
                  "dev.logberg.upsert.ResolvePlans",
                  "dev.logberg.upsert.ResolutionCommitter",
                  "dev.logberg.upsert.DeletePlan",
                  "dev.logberg.upsert.KeyHashes")),
          new Stage(
              "Iceberg commit and catalog",
              prefixes(
                  "org.apache.iceberg.SnapshotProducer.commit",
                  "org.apache.iceberg.BaseTransaction",
                  "org.apache.iceberg.jdbc.",
                  "org.sqlite.",
                  "org.apache.beam.sdk.io.iceberg.AppendFilesToTables")),
          new Stage(
              "summary printed after the run (Main's scan of the tables)",
              prefixes("dev.logberg.pipeline.report.")),
          new Stage(
              "DirectRunner checks (immutability, encodability)",
              prefixes(
                  "org.apache.beam.runners.direct.ImmutabilityCheckingBundleFactory",
                  "org.apache.beam.runners.direct.ImmutabilityEnforcementFactory",
                  "org.apache.beam.runners.direct.EncodabilityEnforcementFactory",
                  "org.apache.beam.sdk.util.MutationDetectors")),
          new Stage(
              "DirectRunner per-bundle setup (ParDo to proto and back, DoFn (de)serialization)",
              prefixes(
                  "org.apache.beam.sdk.util.construction.",
                  "org.apache.beam.runners.direct.ParDoEvaluatorFactory.forApplication",
                  "org.apache.beam.sdk.util.SerializableUtils")),
          new Stage(
              "encode/decode between steps (coders)",
              prefixes(
                  "org.apache.beam.sdk.coders.",
                  "org.apache.beam.sdk.schemas.SchemaCoder",
                  "org.apache.beam.sdk.util.CoderUtils",
                  "dev.logberg.pipeline.read.LineBatchCoder",
                  "dev.logberg.upsert.KeyedRowCoder")),
          new Stage(
              "Parquet write (encoding, compression, file output)",
              prefixes(
                  "org.apache.parquet.",
                  "org.apache.iceberg.parquet.",
                  "java.util.zip.Deflater",
                  "com.github.luben.zstd.",
                  "org.apache.iceberg.io.",
                  "org.apache.hadoop.")),
          new Stage(
              "Managed write: Beam Row to Iceberg record, partitioning",
              prefixes("org.apache.beam.sdk.io.iceberg.")),
          new Stage(
              "parse (Jackson, timestamps, event id)",
              prefixes("dev.logberg.pipeline.parse.", "com.fasterxml.jackson.")),
          new Stage(
              "read lines (files, gunzip, UTF-8)",
              prefixes("dev.logberg.pipeline.read.", "java.util.zip.Inflater")),
          new Stage(
              "discovery, status, metadata",
              prefixes(
                  "dev.logberg.pipeline.discover.",
                  "dev.logberg.pipeline.status.",
                  "dev.logberg.pipeline.tables.")),
          new Stage(
              "Beam runner (bundles, watermarks, state, metrics)", prefixes("org.apache.beam.")),
          new Stage(
              "Flink runtime (operators, serializers, network buffers)",
              prefixes("org.apache.flink.")),
          new Stage(
              "Spark runtime (tasks, shuffle, block manager)",
              prefixes("org.apache.spark.", "scala.")),
          new Stage("other (JVM, JIT, class loading, logging)", frame -> true));

  private static final int TOP_INCLUSIVE = 30;

  private JfrStages() {}

  public static void main(String[] args) throws IOException {
    String report = summarize(Path.of(args[0]));
    if (args.length > 1) {
      Files.writeString(Path.of(args[1]), report);
    }
    System.out.print(report);
  }

  static String summarize(Path recording) throws IOException {
    Map<String, Long> samples = new LinkedHashMap<>();
    Map<String, Map<String, Long>> leaves = new LinkedHashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    STAGES.forEach(
        s -> {
          samples.put(s.name(), 0L);
          leaves.put(s.name(), new LinkedHashMap<>());
        });
    long total = 0;
    Duration gcPauses = Duration.ZERO;
    int collections = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.GCPhasePause")) {
        gcPauses = gcPauses.plus(event.getDuration());
        collections++;
      } else if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
        RecordedStackTrace stack = event.getStackTrace();
        String stage = stageOf(stack);
        samples.merge(stage, 1L, Long::sum);
        Objects.requireNonNull(leaves.get(stage), "a map per stage")
            .merge(name(stack.getFrames().get(0)), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : stack.getFrames()) {
          String name = name(frame);
          if ((name.startsWith("org.apache.beam.") || name.startsWith("dev.logberg."))
              && seen.add(name)) {
            inclusive.merge(name, 1L, Long::sum);
          }
        }
        total++;
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "JFR %s: %,d execution samples (Java threads on CPU), GC pauses %.1f s in %d pauses%n%n",
            recording.getFileName(), total, gcPauses.toMillis() / 1000.0, collections));
    out.append(
        "| stage | samples | share | hottest leaf frames (share of the stage) |\n|---|---|---|---|\n");
    long all = Math.max(1, total);
    samples.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> e.getValue() > 0)
        .forEach(
            e ->
                out.append(
                    String.format(
                        "| %s | %,d | %.1f%% | %s |%n",
                        e.getKey(),
                        e.getValue(),
                        100.0 * e.getValue() / all,
                        top(
                            Objects.requireNonNull(leaves.get(e.getKey()), "a map per stage"),
                            e.getValue()))));
    // Stages say what the CPU did; these say on whose behalf (a frame counts once per sample,
    // wherever it is).
    out.append(
        String.format(
            "%nBeam and Logberg methods on the most stacks (inclusive share of all samples):%n%n"));
    inclusive.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(TOP_INCLUSIVE)
        .forEach(
            e ->
                out.append(
                    String.format("- %.1f%% `%s`%n", 100.0 * e.getValue() / all, e.getKey())));
    return out.toString();
  }

  private static String stageOf(RecordedStackTrace stack) {
    for (Stage stage : STAGES) {
      for (RecordedFrame frame : stack.getFrames()) {
        if (frame.isJavaFrame() && stage.frame().test(name(frame))) {
          return stage.name();
        }
      }
    }
    return STAGES.get(STAGES.size() - 1).name();
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static String top(Map<String, Long> leaves, long stageTotal) {
    return String.join(
        "; ",
        leaves.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .limit(4)
            .map(
                e ->
                    String.format(
                        "`%s` %.0f%%", shortName(e.getKey()), 100.0 * e.getValue() / stageTotal))
            .toList());
  }

  /** The class's simple name and the method: enough to find it, short enough for a table cell. */
  private static String shortName(String frame) {
    int method = frame.lastIndexOf('.');
    int cls = frame.lastIndexOf('.', method - 1);
    return frame.substring(cls + 1);
  }
}

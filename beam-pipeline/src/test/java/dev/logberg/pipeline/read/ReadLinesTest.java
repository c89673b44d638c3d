package dev.logberg.pipeline.read;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import dev.logberg.pipeline.discover.AppFolder;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.status.Decision;
import dev.logberg.pipeline.status.PlannedRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@link ReadLines} on the DirectRunner: every line exactly once, across batches, chunks and
 * groups.
 */
class ReadLinesTest {
  private static final int MAX_LINE_BYTES = 4096;
  private static final int LINES_PER_BIG_FILE =
      30_000; // ~3 MiB: four of them span more than one chunk

  @TempDir Path dir;

  private static String text(String sourceFile, long number) {
    return sourceFile + " line " + number + " " + "x".repeat((int) (number % 97));
  }

  private LogFile write(String sourceFile, long lines, boolean gzip) throws IOException {
    Path path = dir.resolve(sourceFile + (gzip ? ".gz" : ""));
    Files.createDirectories(path.getParent());
    try (OutputStream raw = Files.newOutputStream(path);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
        Writer writer = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      for (long n = 1; n <= lines; n++) {
        writer.write(text(sourceFile, n));
        writer.write('\n');
      }
    }
    return new LogFile(path.toString(), sourceFile, Files.size(path), 0);
  }

  private static PlannedRun run(String appId, List<LogFile> files) {
    return PlannedRun.allFiles(
        new AppFolder(appId, "/logs/" + appId, files), Decision.PROCESS_NEW, 1);
  }

  private static PCollection<List<LineBatch>> readPacks(
      Pipeline pipeline, List<PlannedRun> runs, int groups) {
    return pipeline
        .apply(Create.of(runs))
        .apply(ReadLines.of(MAX_LINE_BYTES, groups, FileGroups.FEW_GROUP_BYTES));
  }

  private static PCollection<LineBatch> read(Pipeline pipeline, List<PlannedRun> runs, int groups) {
    return readPacks(pipeline, runs, groups).apply(Flatten.iterables());
  }

  /**
   * Expected line count by file, from the batches, failing on a repeated, missing or wrong line.
   */
  private static Map<String, Long> checkBatches(
      Iterable<LineBatch> batches, Map<String, Long> expected) {
    Map<String, Long> counts = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (LineBatch batch : batches) {
      for (int i = 0; i < batch.size(); i++) {
        long number = batch.lineNumber(i);
        String line = batch.sourceFile() + "#" + number;
        if (!seen.add(line)) {
          throw new AssertionError("read twice: " + line);
        }
        if (!batch.tooLong(i) && !batch.text(i).equals(text(batch.sourceFile(), number))) {
          throw new AssertionError("wrong text for " + line + ": " + batch.text(i));
        }
        counts.merge(batch.sourceFile(), 1L, Long::sum);
      }
      if (batch.size() > ReadLines.BATCH_LINES) {
        throw new AssertionError("batch of " + batch.size() + " lines: " + batch);
      }
    }
    assertThat(counts, is(expected));
    return counts;
  }

  @Test
  void readsEveryLineOnceAcrossBatchesChunksAndGroups() throws IOException {
    List<LogFile> app1 = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      String name = "spark-1/exec-" + i + "/part.json";
      app1.add(write(name, LINES_PER_BIG_FILE, false));
      expected.put(name, (long) LINES_PER_BIG_FILE);
    }
    app1.add(write("spark-1/driver/part.json", 2_500, true));
    expected.put("spark-1/driver/part.json", 2_500L);
    List<LogFile> app2 = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String name = "spark-2/exec-" + i + "/part.json";
      app2.add(write(name, i, false)); // includes an empty file
      if (i > 0) {
        expected.put(name, (long) i);
      }
    }
    List<PlannedRun> runs = List.of(run("spark-1", app1), run("spark-2", app2));
    long total = expected.values().stream().mapToLong(Long::longValue).sum();

    for (int groups : new int[] {1, 3, 0}) {
      Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
      PAssert.that(read(pipeline, runs, groups))
          .satisfies(
              batches -> {
                checkBatches(batches, expected);
                assertThat(failures(batches), is(List.of()));
                return null;
              });
      pipeline.run().waitUntilFinish();
    }
    assertThat(total > 2 * LINES_PER_BIG_FILE, is(true));
  }

  /**
   * Small files travel together: on the DirectRunner each 100 outputs of the reader end a bundle,
   * and each bundle a data file of the write.
   */
  @Test
  void manySmallFilesMoveInAFewPacks() throws IOException {
    List<LogFile> files = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String name = "spark-5/exec-" + i + "/part.json";
      files.add(write(name, 5, false));
      expected.put(name, 5L);
    }
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<List<LineBatch>> packs = readPacks(pipeline, List.of(run("spark-5", files)), 1);
    PAssert.that(packs)
        .satisfies(
            all -> {
              List<Integer> lines = new ArrayList<>();
              all.forEach(pack -> lines.add(pack.stream().mapToInt(LineBatch::size).sum()));
              // 1,500 lines: a full pack (at least BATCH_LINES), then the rest; a third when the
              // runner checkpointed the reader between them.
              assertThat("lines per pack " + lines, lines.size() <= 3, is(true));
              return null;
            });
    PAssert.that(packs.apply(Flatten.iterables()))
        .satisfies(
            batches -> {
              checkBatches(batches, expected);
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aFileThatCannotBeReadIsReportedAndTheOthersAreRead() throws IOException {
    LogFile good = write("spark-3/driver/a.json", 10, false);
    LogFile missing =
        new LogFile(
            dir.resolve("spark-3/driver/gone.json").toString(), "spark-3/driver/gone.json", 5, 0);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PAssert.that(read(pipeline, List.of(run("spark-3", List.of(good, missing))), 1))
        .satisfies(
            batches -> {
              checkBatches(batches, Map.of("spark-3/driver/a.json", 10L));
              List<String> failures = failures(batches);
              assertThat(failures.size(), is(1));
              assertThat(
                  failures.get(0),
                  startsWith(
                      "spark-3 spark-3/driver/gone.json: cannot read spark-3/driver/gone.json"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /** "app file: error" of the batches that end a file that could not be read. */
  private static List<String> failures(Iterable<LineBatch> batches) {
    List<String> failures = new ArrayList<>();
    for (LineBatch batch : batches) {
      if (batch.failure() != null) {
        failures.add(batch.appId() + " " + batch.sourceFile() + ": " + batch.failure());
      }
    }
    return failures;
  }

  /** Only failures of the input make an application FAILED; a bug of ours fails the bundle. */
  @Test
  void onlyInputFailuresAreRecordedAgainstTheApplication() {
    assertThat(
        ReadLines.ReadGroup.isInputFailure(new UncheckedIOException(new IOException("reset"))),
        is(true));
    assertThat(
        ReadLines.ReadGroup.isInputFailure(SdkClientException.create("connection lost")), is(true));
    assertThat(ReadLines.ReadGroup.isInputFailure(new NullPointerException()), is(false));
    assertThat(ReadLines.ReadGroup.isInputFailure(new IllegalStateException("bug")), is(false));
  }

  @Test
  void aLineLongerThanTheLimitIsCutAndFlagged() throws IOException {
    Path path = dir.resolve("spark-4/driver/long.json");
    Files.createDirectories(path.getParent());
    Files.writeString(path, "short\n" + "y".repeat(MAX_LINE_BYTES + 10) + "\nafter\n");
    LogFile file = new LogFile(path.toString(), "spark-4/driver/long.json", Files.size(path), 0);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PAssert.that(read(pipeline, List.of(run("spark-4", List.of(file))), 0))
        .satisfies(
            batches -> {
              List<String> lines = new ArrayList<>();
              for (LineBatch batch : batches) {
                for (int i = 0; i < batch.size(); i++) {
                  lines.add(
                      batch.lineNumber(i)
                          + (batch.tooLong(i) ? "!" : ":")
                          + batch.text(i).length());
                }
              }
              assertThat(lines, contains("1:5", "2!" + MAX_LINE_BYTES, "3:5"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }
}

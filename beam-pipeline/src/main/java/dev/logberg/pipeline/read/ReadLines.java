package dev.logberg.pipeline.read;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.status.PlannedRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every line of every file of the planned applications, with its file and line number. Files are
 * decompressed by extension (.gz, .zst, .bz2, ...) and spread over workers.
 *
 * <p>A file that cannot be read does not stop the job: it is reported on {@link #FAILURES} as (app id, error) so the
 * application is recorded FAILED and retried by a later run.
 */
public final class ReadLines extends PTransform<PCollection<PlannedRun>, PCollectionTuple> {
  public static final TupleTag<LogLine> LINES = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> FAILURES = new TupleTag<>() {};

  private final int maxLineBytes;

  private ReadLines(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  public static ReadLines withMaxLineBytes(int maxLineBytes) {
    return new ReadLines(maxLineBytes);
  }

  /** A file to read and the application it belongs to. */
  record FileOfApp(String appId, LogFile file) implements java.io.Serializable {}

  @Override
  public PCollectionTuple expand(PCollection<PlannedRun> runs) {
    PCollectionTuple result =
        runs.apply(
                "ListFiles",
                FlatMapElements.into(TypeDescriptor.of(FileOfApp.class))
                    .via((PlannedRun run) -> run.folder().files().stream().map(f -> new FileOfApp(run.appId(), f)).toList()))
            .setCoder(SerializableCoder.of(FileOfApp.class))
            .apply("SpreadFiles", Reshuffle.viaRandomKey())
            .apply(
                "ReadFile",
                ParDo.of(new ReadFile(maxLineBytes)).withOutputTags(LINES, TupleTagList.of(FAILURES)));
    result.get(LINES).setCoder(LogLineCoder.of());
    result.get(FAILURES).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    return result;
  }

  static final class ReadFile extends DoFn<FileOfApp, LogLine> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadFile.class);
    private final Counter files = Counters.counter(Counters.FILES_READ);
    private final Counter failed = Counters.counter(Counters.FILES_FAILED);
    private final Counter bytes = Counters.counter(Counters.BYTES_READ);
    private final Counter lines = Counters.counter(Counters.LINES_READ);
    private final int maxLineBytes;

    ReadFile(int maxLineBytes) {
      this.maxLineBytes = maxLineBytes;
    }

    @ProcessElement
    public void process(@Element FileOfApp element, MultiOutputReceiver out) {
      LogFile file = element.file();
      OutputReceiver<LogLine> lineOut = out.get(LINES);
      try (InputStream in = open(file.location())) {
        long count =
            new LineReader(maxLineBytes)
                .read(in, (number, text, tooLong) ->
                    lineOut.output(new LogLine(element.appId(), file.sourceFile(), number, text, tooLong)));
        lines.inc(count);
        files.inc();
        bytes.inc(file.size());
      } catch (IOException | RuntimeException e) {
        // Lines already emitted stay: the application is marked FAILED and its retry rewrites them by key.
        failed.inc();
        String error = "cannot read " + file.sourceFile() + ": " + e;
        LOG.warn("{} (application {} will be marked FAILED)", error, element.appId());
        out.get(FAILURES).output(KV.of(element.appId(), error));
      }
    }

    private static InputStream open(String location) throws IOException {
      Compression compression = Compression.detect(location);
      return Channels.newInputStream(
          compression.readDecompressed(FileSystems.open(FileSystems.matchNewResource(location, false))));
    }
  }
}

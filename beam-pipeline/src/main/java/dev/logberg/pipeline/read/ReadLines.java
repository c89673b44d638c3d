package dev.logberg.pipeline.read;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.discover.LogFile;
import dev.logberg.pipeline.status.PlannedRun;
import dev.logberg.pipeline.storage.AwsErrors;
import dev.logberg.upsert.faults.FaultPoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reads every line of every file of the planned applications, in batches of consecutive lines of
 * one file. Files are decompressed by extension (.gz, .zst, .bz2, ...).
 *
 * <p>The files are packed into groups of about equal bytes ({@link FileGroups}); each group is read
 * by one worker, a chunk of about {@link #CHUNK_BYTES} at a time. Between chunks the reader hands
 * back to the runner (a splittable DoFn checkpoint), so a runner that keeps each bundle's output in
 * memory until the next step has run (the DirectRunner) holds a few chunks at a time, not the whole
 * input, and makes one bundle per chunk, not one per file.
 *
 * <p>The output elements are packs of batches ({@link #BATCH_LINES} lines or {@link #BATCH_CHARS}
 * characters together, from as many files of a span as it takes, see {@link FileGroup}): many small
 * files cost a few elements, not one each. The DirectRunner checkpoints a splittable DoFn after 100
 * outputs, and each checkpoint ends a bundle, hence a data file of the write: one batch per tiny
 * file cost 80 data files for 4,000 applications of two files each.
 *
 * <p>A file that cannot be read does not stop the job: its last batch carries the error ({@link
 * LineBatch#failure}), so the application is recorded FAILED and the file, never recorded as
 * landed, is read again by a later run. The failures travel with the lines so that reading has one
 * output and one consumer: a runner that recomputes a collection for each of its consumers (Spark,
 * when its cache is full) would otherwise read every file again for the few failures.
 */
public final class ReadLines
    extends PTransform<PCollection<PlannedRun>, PCollection<List<LineBatch>>> {

  /** Fault point (see {@link FaultPoints}): a file of the run has been read. */
  public static final String READING = "reading";

  /** Bytes read (on storage) before the reader checkpoints; one file is never split. */
  static final long CHUNK_BYTES = 8L * 1024 * 1024;

  /**
   * Lines and characters per batch: big enough that per-element costs vanish, small enough to move
   * cheaply.
   */
  static final int BATCH_LINES = 1024;

  static final long BATCH_CHARS = 1024L * 1024;

  private final int maxLineBytes;
  private final int groups;
  private final long autoGroupBytes;

  private ReadLines(int maxLineBytes, int groups, long autoGroupBytes) {
    this.maxLineBytes = maxLineBytes;
    this.groups = groups;
    this.autoGroupBytes = autoGroupBytes;
  }

  /**
   * Reads the planned runs' files as batches of lines.
   *
   * @param maxLineBytes longer lines are cut and flagged
   * @param groups how many groups the files are read in (the read parallelism); 0 for one per
   *     {@code autoGroupBytes}
   * @param autoGroupBytes the bytes of a group when {@code groups} is 0 (see {@link FileGroups})
   */
  public static ReadLines of(int maxLineBytes, int groups, long autoGroupBytes) {
    return new ReadLines(maxLineBytes, groups, autoGroupBytes);
  }

  @Override
  public PCollection<List<LineBatch>> expand(PCollection<PlannedRun> runs) {
    return runs.apply(
            "ListFiles",
            FlatMapElements.into(TypeDescriptor.of(FileOfApp.class))
                .via(
                    (PlannedRun run) ->
                        run.toLand().stream().map(f -> new FileOfApp(run.appId(), f)).toList()))
        .setCoder(SerializableCoder.of(FileOfApp.class))
        // One key: the packing needs every file of the run, a few hundred bytes each.
        .apply("CollectFiles", WithKeys.of(0))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(FileOfApp.class)))
        .apply("AllFiles", GroupByKey.create())
        .apply(
            "GroupFiles",
            FlatMapElements.into(TypeDescriptor.of(FileGroup.class))
                .via(
                    (KV<Integer, Iterable<FileOfApp>> all) ->
                        FileGroups.pack(toList(all.getValue()), groups, autoGroupBytes)))
        .setCoder(SerializableCoder.of(FileGroup.class))
        .apply("ReadGroups", ParDo.of(new ReadGroup(maxLineBytes)))
        .setCoder(ListCoder.of(LineBatchCoder.of()));
  }

  private static List<FileOfApp> toList(Iterable<FileOfApp> files) {
    List<FileOfApp> list = new ArrayList<>();
    files.forEach(list::add);
    return list;
  }

  /** Reads the files of a group in order; the restriction is the range of spans still to read. */
  @DoFn.BoundedPerElement
  static final class ReadGroup extends DoFn<FileGroup, List<LineBatch>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadGroup.class);
    private final Counter files = Counters.counter(Counters.FILES_READ);
    private final Counter failed = Counters.counter(Counters.FILES_FAILED);
    private final Counter bytes = Counters.counter(Counters.BYTES_READ);
    private final Counter lines = Counters.counter(Counters.LINES_READ);
    private final int maxLineBytes;

    ReadGroup(int maxLineBytes) {
      this.maxLineBytes = maxLineBytes;
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction(@Element FileGroup group) {
      return new OffsetRange(0, group.spanEnds().size());
    }

    @GetSize
    public double size(@Element FileGroup group, @Restriction OffsetRange range) {
      return group.bytes(range.getFrom(), range.getTo());
    }

    @GetRestrictionCoder
    public OffsetRange.Coder restrictionCoder() {
      return OffsetRange.Coder.of();
    }

    /**
     * Reads span after span. A span's lines leave while its claim holds: after a failed {@code
     * tryClaim} (the runner took the rest of the restriction) nothing may be output.
     */
    @ProcessElement
    public ProcessContinuation process(
        @Element FileGroup group,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<List<LineBatch>> out) {
      Pack pack = new Pack(out);
      long chunk = 0;
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        for (FileOfApp file : group.span((int) i)) {
          read(file, pack);
          chunk += file.file().size();
        }
        pack.flush();
        if (chunk >= CHUNK_BYTES && i + 1 < tracker.currentRestriction().getTo()) {
          return ProcessContinuation.resume();
        }
      }
      return ProcessContinuation.stop();
    }

    private void read(FileOfApp element, Pack pack) {
      LogFile file = element.file();
      LineBatch.Builder batch =
          new LineBatch.Builder(element.appId(), file.sourceFile(), BATCH_LINES, BATCH_CHARS);
      try (InputStream in = open(file.location())) {
        new LineReader(maxLineBytes)
            .read(
                in,
                (number, text, tooLong) -> {
                  if (batch.add(text, tooLong)) {
                    pack.add(batch);
                  }
                });
        files.inc();
        bytes.inc(file.size());
        FaultPoints.reach(READING);
      } catch (IOException | RuntimeException e) {
        if (e instanceof RuntimeException bug && !isInputFailure(bug)) {
          // A bug of ours must fail the bundle (the runner retries it, then fails the job), not be
          // recorded as a bad application that the next run retries forever.
          throw bug;
        }
        // Lines already read stay: the application is marked FAILED and its retry rewrites them by
        // key.
        failed.inc();
        // An AWS refusal says what to grant (AwsErrors); the status row and the log keep it.
        String error =
            "cannot read " + file.sourceFile() + ": " + AwsErrors.explain(e).orElse(e.toString());
        LOG.warn("{} (application {} will be marked FAILED)", error, element.appId());
        batch.fail(error);
      } finally {
        if (!batch.isEmpty()) {
          pack.add(batch);
        }
      }
    }

    /**
     * The batches read since the last output, from one span. Lines are counted as their pack
     * leaves, not when the file ends, so that live progress never shows more rows parsed than lines
     * read.
     */
    private final class Pack {
      private final OutputReceiver<List<LineBatch>> out;
      private final List<LineBatch> batches = new ArrayList<>();
      private int lineCount;
      private long chars;

      Pack(OutputReceiver<List<LineBatch>> out) {
        this.out = out;
      }

      /** Takes the builder's batch, whose characters it counted as they were added. */
      void add(LineBatch.Builder builder) {
        chars += builder.chars();
        LineBatch batch = builder.take();
        batches.add(batch);
        lineCount += batch.size();
        if (lineCount >= BATCH_LINES || chars >= BATCH_CHARS) {
          flush();
        }
      }

      void flush() {
        if (!batches.isEmpty()) {
          lines.inc(lineCount);
          out.output(List.copyOf(batches));
          batches.clear();
          lineCount = 0;
          chars = 0;
        }
      }
    }

    /**
     * The unchecked failures of reading a file rather than of our code: I/O wrapped by a
     * decompressor or a channel, and the AWS SDK's (a lost connection, an object deleted or denied
     * while it was read).
     */
    static boolean isInputFailure(RuntimeException e) {
      return e instanceof UncheckedIOException || e instanceof SdkException;
    }

    private static InputStream open(String location) throws IOException {
      Compression compression = Compression.detect(location);
      return Channels.newInputStream(
          compression.readDecompressed(
              FileSystems.open(FileSystems.matchNewResource(location, false))));
    }
  }
}

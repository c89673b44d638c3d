package dev.logberg.pipeline.parse;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.read.LineBatch;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Parses every line into a row of the data table, or a row of the rejects table with its reason.
 * Nothing is dropped: blank lines are counted, everything else is a row or a reject.
 *
 * <p>The parse has one output, a {@link ParsedBatch} per batch of lines, which two steps split:
 * {@link #ROWS} (the bulk, to the data table's write) and the small outcomes: {@link #REJECTS}, how
 * many rows and rejects a source file produced ({@link #ROW_COUNTS}, {@link #REJECT_COUNTS}: one
 * partial count per file and bundle, which the consumer sums) and the files that could not be read
 * ({@link #FAILURES}). One output means each batch is parsed once and moves as one element, where a
 * multi-output parse hands every row to every consumer of its outputs (Flink encodes it for each)
 * and is parsed again for each consumer by a runner that recomputes (Spark, once its cache is full;
 * see {@link #keptOnDisk}).
 */
public final class ParseLogLine extends PTransform<PCollection<List<LineBatch>>, PCollectionTuple> {
  public static final TupleTag<Row> ROWS = new TupleTag<>() {};
  public static final TupleTag<Row> REJECTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> REJECT_COUNTS = new TupleTag<>() {};

  /** (application, (source file, error)) of the files that could not be read. */
  public static final TupleTag<KV<String, KV<String, String>>> FAILURES = new TupleTag<>() {};

  private final long ingestedAtMicros;
  private final boolean keptOnDisk;

  private ParseLogLine(long ingestedAtMicros, boolean keptOnDisk) {
    this.ingestedAtMicros = ingestedAtMicros;
    this.keptOnDisk = keptOnDisk;
  }

  /**
   * Parses with one ingestion time for every row.
   *
   * @param ingestedAtMicros the {@code ingested_at} of every row of this run
   */
  public static ParseLogLine ingestedAt(long ingestedAtMicros) {
    return new ParseLogLine(ingestedAtMicros, false);
  }

  /**
   * The parsed batches go through a shuffle before they are split, so that the two consumers read
   * them back from the shuffle's files instead of parsing (and reading) the input again when the
   * runner's cache cannot hold them: the SparkRunner keeps a collection with several consumers in
   * memory only (a spilling storage level fails in Managed's Iceberg write, apache/beam#37994) and
   * recomputes what it evicted.
   */
  public ParseLogLine keptOnDisk(boolean keep) {
    return new ParseLogLine(ingestedAtMicros, keep);
  }

  @Override
  public PCollectionTuple expand(PCollection<List<LineBatch>> lines) {
    PCollection<ParsedBatch> parsed =
        lines
            .apply("Parse", ParDo.of(new ParseFn(ingestedAtMicros)))
            .setCoder(ParsedBatchCoder.of());
    if (keptOnDisk) {
      parsed = parsed.apply("KeepParsed", Reshuffle.viaRandomKey()).setCoder(ParsedBatchCoder.of());
    }
    PCollection<Row> rows =
        parsed
            .apply("Rows", FlatMapElements.into(TypeDescriptors.rows()).via(ParsedBatch::rows))
            .setRowSchema(SparkLogsTable.ROW_SCHEMA);
    PCollectionTuple outcomes =
        parsed.apply(
            "Outcomes",
            ParDo.of(new OutcomesFn())
                .withOutputTags(
                    REJECTS, TupleTagList.of(ROW_COUNTS).and(REJECT_COUNTS).and(FAILURES)));
    outcomes.get(REJECTS).setRowSchema(RejectsTable.ROW_SCHEMA);
    KvCoder<String, Long> countCoder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    outcomes.get(ROW_COUNTS).setCoder(countCoder);
    outcomes.get(REJECT_COUNTS).setCoder(countCoder);
    outcomes
        .get(FAILURES)
        .setCoder(
            KvCoder.of(
                StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    return PCollectionTuple.of(ROWS, rows)
        .and(REJECTS, outcomes.get(REJECTS))
        .and(ROW_COUNTS, outcomes.get(ROW_COUNTS))
        .and(REJECT_COUNTS, outcomes.get(REJECT_COUNTS))
        .and(FAILURES, outcomes.get(FAILURES));
  }

  static final class ParseFn extends DoFn<List<LineBatch>, ParsedBatch> {
    private final long ingestedAtMicros;
    private final Counter rows = Counters.counter(Counters.ROWS_PARSED);
    private final Counter blank = Counters.counter(Counters.LINES_BLANK);
    private final Counter rejected = Counters.counter(Counters.LINES_REJECTED);
    private final Map<RejectReason, Counter> byReason = new EnumMap<>(RejectReason.class);
    private transient LogLineParser parser;
    private transient EncodedRows encoded;

    ParseFn(long ingestedAtMicros) {
      this.ingestedAtMicros = ingestedAtMicros;
      for (RejectReason reason : RejectReason.values()) {
        byReason.put(reason, Counters.counter(Counters.REJECTED_PREFIX + reason.name()));
      }
    }

    @Setup
    public void setup() {
      parser = new LogLineParser(ingestedAtMicros);
      encoded = new EncodedRows();
    }

    @ProcessElement
    public void process(@Element List<LineBatch> pack, OutputReceiver<ParsedBatch> out) {
      for (LineBatch batch : pack) {
        out.output(parse(batch));
      }
    }

    private ParsedBatch parse(LineBatch batch) {
      encoded.clear();
      List<Row> rejects = new ArrayList<>();
      int blanks = 0;
      for (int i = 0; i < batch.size(); i++) {
        String text = batch.text(i);
        long lineNumber = batch.lineNumber(i);
        ParseOutcome outcome =
            batch.tooLong(i)
                ? new ParseOutcome.Rejected(
                    RejectReason.LINE_TOO_LONG, "line longer than --maxLineBytes")
                : parser.parse(text, batch.sourceFile(), lineNumber, batch.appId());
        if (outcome instanceof ParseOutcome.Parsed parsed) {
          encoded.add(parsed.row());
        } else if (outcome instanceof ParseOutcome.Rejected reject) {
          Objects.requireNonNull(byReason.get(reject.reason()), "a counter per reason").inc();
          rejects.add(rejectRow(batch, text, lineNumber, reject));
        } else {
          blanks++;
        }
      }
      int rowCount = encoded.count();
      rows.inc(rowCount);
      rejected.inc(rejects.size());
      blank.inc(blanks);
      return new ParsedBatch(
          batch.appId(), batch.sourceFile(), rowCount, encoded.take(), rejects, batch.failure());
    }

    private Row rejectRow(
        LineBatch batch, String text, long lineNumber, ParseOutcome.Rejected reject) {
      String raw = text;
      if (raw.length() > RejectsTable.RAW_MAX_CHARS) {
        raw = raw.substring(0, RejectsTable.RAW_MAX_CHARS);
      }
      return Row.withSchema(RejectsTable.ROW_SCHEMA)
          .withFieldValue(RejectsTable.SPARK_APP_SELECTOR, batch.appId())
          .withFieldValue(RejectsTable.SOURCE_FILE, batch.sourceFile())
          .withFieldValue(RejectsTable.LINE_NUMBER, lineNumber)
          .withFieldValue(RejectsTable.REASON, reject.reason().name() + ": " + reject.detail())
          .withFieldValue(RejectsTable.RAW, raw)
          .withFieldValue(RejectsTable.INGESTED_AT, ingestedAtMicros)
          .build();
    }
  }

  /**
   * Everything of a parsed batch but its rows. Counts per file are summed per bundle, so that they
   * cost one element per file and bundle, not one per batch.
   */
  static final class OutcomesFn extends DoFn<ParsedBatch, Row> {
    private transient Map<String, long[]> bundleCounts;

    @StartBundle
    public void startBundle() {
      bundleCounts = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element ParsedBatch batch, MultiOutputReceiver out) {
      long[] tally = bundleCounts.computeIfAbsent(batch.sourceFile(), k -> new long[2]);
      tally[0] += batch.rowCount();
      tally[1] += batch.rejects().size();
      batch.rejects().forEach(out.get(REJECTS)::output);
      if (batch.failure() != null) {
        out.get(FAILURES).output(KV.of(batch.appId(), KV.of(batch.sourceFile(), batch.failure())));
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      bundleCounts.forEach(
          (file, counts) -> {
            emit(context, ROW_COUNTS, file, counts[0]);
            emit(context, REJECT_COUNTS, file, counts[1]);
          });
      bundleCounts.clear();
    }

    private static void emit(
        FinishBundleContext context, TupleTag<KV<String, Long>> tag, String file, long count) {
      context.output(
          tag, KV.of(file, count), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }
}

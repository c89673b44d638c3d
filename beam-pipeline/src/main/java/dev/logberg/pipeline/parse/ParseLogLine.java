package dev.logberg.pipeline.parse;

import dev.logberg.pipeline.Counters;
import dev.logberg.pipeline.read.LineBatch;
import dev.logberg.pipeline.tables.RejectsTable;
import dev.logberg.pipeline.tables.SparkLogsTable;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Parses every line into a row of the data table, or a row of the rejects table with its reason.
 * Nothing is dropped: blank lines are counted, everything else is a row or a reject.
 *
 * <p>Also outputs, per source file, how many rows and rejects it produced ({@link #ROW_COUNTS},
 * {@link #REJECT_COUNTS}), for the files table and its application's status row. The DoFn counts
 * per bundle so that the counts cost one element per file and bundle, not one per batch.
 */
public final class ParseLogLine extends PTransform<PCollection<LineBatch>, PCollectionTuple> {
  public static final TupleTag<Row> ROWS = new TupleTag<>() {};
  public static final TupleTag<Row> REJECTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> REJECT_COUNTS = new TupleTag<>() {};

  private final long ingestedAtMicros;

  private ParseLogLine(long ingestedAtMicros) {
    this.ingestedAtMicros = ingestedAtMicros;
  }

  /**
   * Parses with one ingestion time for every row.
   *
   * @param ingestedAtMicros the {@code ingested_at} of every row of this run
   */
  public static ParseLogLine ingestedAt(long ingestedAtMicros) {
    return new ParseLogLine(ingestedAtMicros);
  }

  @Override
  public PCollectionTuple expand(PCollection<LineBatch> lines) {
    PCollectionTuple parsed =
        lines.apply(
            "Parse",
            ParDo.of(new ParseFn(ingestedAtMicros))
                .withOutputTags(ROWS, TupleTagList.of(REJECTS).and(ROW_COUNTS).and(REJECT_COUNTS)));
    parsed.get(ROWS).setRowSchema(SparkLogsTable.ROW_SCHEMA);
    parsed.get(REJECTS).setRowSchema(RejectsTable.ROW_SCHEMA);
    KvCoder<String, Long> countCoder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    parsed.get(ROW_COUNTS).setCoder(countCoder);
    parsed.get(REJECT_COUNTS).setCoder(countCoder);
    return PCollectionTuple.of(ROWS, parsed.get(ROWS))
        .and(REJECTS, parsed.get(REJECTS))
        .and(ROW_COUNTS, parsed.get(ROW_COUNTS).apply("SumRows", Sum.longsPerKey()))
        .and(REJECT_COUNTS, parsed.get(REJECT_COUNTS).apply("SumRejects", Sum.longsPerKey()));
  }

  static final class ParseFn extends DoFn<LineBatch, Row> {
    private final long ingestedAtMicros;
    private final Counter rows = Counters.counter(Counters.ROWS_PARSED);
    private final Counter blank = Counters.counter(Counters.LINES_BLANK);
    private final Counter rejected = Counters.counter(Counters.LINES_REJECTED);
    private final Map<RejectReason, Counter> byReason = new EnumMap<>(RejectReason.class);
    private transient LogLineParser parser;
    private transient Map<String, long[]> bundleCounts;

    ParseFn(long ingestedAtMicros) {
      this.ingestedAtMicros = ingestedAtMicros;
      for (RejectReason reason : RejectReason.values()) {
        byReason.put(reason, Counters.counter(Counters.REJECTED_PREFIX + reason.name()));
      }
    }

    @Setup
    public void setup() {
      parser = new LogLineParser(ingestedAtMicros);
    }

    @StartBundle
    public void startBundle() {
      bundleCounts = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element LineBatch batch, MultiOutputReceiver out) {
      long[] tally = bundleCounts.computeIfAbsent(batch.sourceFile(), k -> new long[2]);
      for (int i = 0; i < batch.size(); i++) {
        String text = batch.text(i);
        long lineNumber = batch.lineNumber(i);
        ParseOutcome outcome =
            batch.tooLong(i)
                ? new ParseOutcome.Rejected(
                    RejectReason.LINE_TOO_LONG, "line longer than --maxLineBytes")
                : parser.parse(text, batch.sourceFile(), lineNumber, batch.appId());
        if (outcome instanceof ParseOutcome.Parsed parsed) {
          rows.inc();
          tally[0]++;
          out.get(ROWS).output(parsed.row());
        } else if (outcome instanceof ParseOutcome.Rejected reject) {
          rejected.inc();
          Objects.requireNonNull(byReason.get(reject.reason()), "a counter per reason").inc();
          tally[1]++;
          out.get(REJECTS).output(rejectRow(batch, text, lineNumber, reject));
        } else {
          blank.inc();
        }
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
}

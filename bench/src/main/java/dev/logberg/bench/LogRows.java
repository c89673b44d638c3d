package dev.logberg.bench;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import dev.logberg.upsert.MergeKeys;
import dev.logberg.upsert.RowSchemas;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * Deterministic log-like rows: row {@code i} of a table of {@code n} rows is the same in every run,
 * so the harness can rebuild any batch without keeping it.
 *
 * <p>Round 0 is the initial load. Round {@code r >= 1} re-sends the rows whose index is {@code r}
 * modulo 10 (a tenth of the keys, spread over every day and file) with a later {@code ingested_at}
 * and a changed message: the rows an upsert must let win. Different rounds touch disjoint keys.
 */
public final class LogRows {
  private LogRows() {}

  /** 2025-01-15T00:00Z: the first day of the generated logs. */
  static final long FIRST_DAY_MICROS = 1_736_899_200_000_000L;

  static final long DAY_MICROS = 86_400_000_000L;

  /** 2025-01-23T00:00Z: ingestion time of round 0; round r is r hours later. */
  static final long INGESTED_MICROS = FIRST_DAY_MICROS + 8 * DAY_MICROS;

  static final long HOUR_MICROS = 3_600_000_000L;

  /** Rounds touch keys {@code i % BATCH_MODULUS == round}: a batch is a tenth of the table. */
  static final int BATCH_MODULUS = 10;

  public static final Schema SCHEMA =
      new Schema(
          Types.StructType.of(
                  required(1, "timestamp", Types.TimestampType.withZone()),
                  optional(2, "log_level", Types.StringType.get()),
                  required(3, "message", Types.StringType.get()),
                  optional(4, "pod_name", Types.StringType.get()),
                  optional(5, "namespace_name", Types.StringType.get()),
                  required(6, "spark_app_selector", Types.StringType.get()),
                  optional(7, "logger", Types.StringType.get()),
                  required(8, "event_id", Types.StringType.get()),
                  required(9, "line_number", Types.LongType.get()),
                  required(10, "ingested_at", Types.TimestampType.withZone()))
              .fields(),
          Set.of(8));

  public static final MergeKeys KEYS = MergeKeys.of("event_id").orderedBy("ingested_at");

  public static final org.apache.beam.sdk.schemas.Schema ROW_SCHEMA =
      RowSchemas.fromIceberg(SCHEMA);

  private static final String[] LEVELS = {
    "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "INFO",
    "INFO", "INFO", "INFO", "INFO", "WARN", "WARN", "DEBUG", "ERROR"
  };
  private static final String[] NAMESPACES = {"team-a", "team-b", "team-c", "data-platform"};
  private static final String[] LOGGERS = {
    "org.apache.spark.scheduler.TaskSetManager", "org.apache.spark.executor.Executor",
    "org.apache.spark.storage.BlockManagerInfo",
        "org.apache.spark.storage.ShuffleBlockFetcherIterator",
    "org.apache.spark.broadcast.TorrentBroadcast",
        "org.apache.spark.sql.execution.datasources.FileFormatWriter",
    "org.apache.spark.scheduler.DAGScheduler", "org.apache.hadoop.fs.s3a.S3AInputStream"
  };
  private static final String[] TAIL_KEYS = {
    "executor",
    "host",
    "stage",
    "attempt",
    "partition",
    "bytesRead",
    "recordsRead",
    "shuffleWrite",
    "gcTime",
    "runTime",
    "cpuTime",
    "peakMemory",
    "locality",
    "spill",
    "fetchWait",
    "resultSize"
  };
  private static final String[] LOCALITIES = {"PROCESS_LOCAL", "NODE_LOCAL", "RACK_LOCAL", "ANY"};

  /** SplitMix64's finalizer: well-spread 64 bits from an index. */
  static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * 32 hex characters, like the pipeline's event ids (a hash): keys are uniformly spread in every
   * file.
   */
  public static String eventId(long i) {
    String a = Long.toHexString(mix(2 * i + 1));
    String b = Long.toHexString(mix(2 * i + 2));
    return "0".repeat(16 - a.length()) + a + "0".repeat(16 - b.length()) + b;
  }

  /** Rows are spread evenly over 8 days in index order (logs arrive in time order). */
  static long timestampMicros(long i, long n) {
    return FIRST_DAY_MICROS + (long) ((double) i / n * 8 * DAY_MICROS);
  }

  static long ingestedMicros(int round) {
    return INGESTED_MICROS + round * HOUR_MICROS;
  }

  /** A Spark-like log message of 160 to 239 characters (200 on average). */
  static String message(long i, int round) {
    long h = mix(i ^ 0x5bd1e995L);
    int a = (int) ((h >>> 8) & 0x3ff);
    int b = (int) ((h >>> 20) & 0xff);
    int c = (int) ((h >>> 28) & 0xffff);
    String text =
        switch ((int) Long.remainderUnsigned(h, 7)) {
          case 0 ->
              "Finished task "
                  + a
                  + ".0 in stage "
                  + b
                  + ".0 (TID "
                  + c
                  + ") in "
                  + (a * 7 % 3000)
                  + " ms on 10.0."
                  + (b % 32)
                  + "."
                  + (a % 250)
                  + " (executor "
                  + (b % 40)
                  + ") ("
                  + a
                  + "/1024)";
          case 1 -> "Running task " + a + ".0 in stage " + b + ".0 (TID " + c + ")";
          case 2 ->
              "Block broadcast_"
                  + c
                  + "_piece0 stored as bytes in memory (estimated size "
                  + a
                  + ".4 KiB, free "
                  + (b * 9)
                  + ".2 MiB)";
          case 3 ->
              "Getting "
                  + a
                  + " ("
                  + b
                  + ".3 MiB) non-empty blocks including "
                  + (a / 3)
                  + " ("
                  + (b / 2)
                  + ".1 MiB) local and 0 (0.0 B) host-local and "
                  + (a - a / 3)
                  + " remote blocks";
          case 4 ->
              "Started reading broadcast variable "
                  + c
                  + " with "
                  + (b % 9 + 1)
                  + " pieces (estimated total size "
                  + a
                  + ".0 MiB)";
          case 5 ->
              "Committed partition "
                  + a
                  + " (task "
                  + c
                  + ", attempt 0, stage "
                  + b
                  + ".0) to s3a://logs/w/t/part-"
                  + String.format("%05d-%016x", a, mix(h))
                  + ".c000.parquet";
          default ->
              "Exception in task "
                  + a
                  + ".0 in stage "
                  + b
                  + ".0 (TID "
                  + c
                  + "): java.io.IOException: Connection reset by peer";
        };
    if (round > 0) {
      text = "[re-ingested in round " + round + "] " + text;
    }
    // Padded with key=value metrics of varying keys and values, as Spark's own log lines carry:
    // about as
    // compressible as real logs (not a repeated constant).
    int length = 160 + (int) ((h >>> 40) % 80);
    StringBuilder message = new StringBuilder(length + 40).append(text);
    long bits = mix(h);
    for (int k = 0; message.length() < length; k++) {
      if (k % 8 == 7) {
        bits = mix(bits);
      }
      String key = TAIL_KEYS[(int) (bits & 15)];
      bits = Long.rotateRight(bits, 4);
      message.append(k == 0 ? " | " : " ").append(key).append('=');
      if (key.equals("locality")) {
        message.append(LOCALITIES[(int) (bits & 3)]);
      } else if (key.equals("host")) {
        message.append("ip-10-0-").append(bits & 31).append('-').append((bits >>> 5) & 255);
      } else {
        message.append(Long.remainderUnsigned(bits, 100_000));
      }
    }
    message.setLength(length);
    return message.toString();
  }

  private static long app(long i) {
    return i / 50_000;
  }

  /**
   * Row {@code i} of a table of {@code n} rows as it is after {@code round} (0: the initial load).
   */
  public static Record record(long i, long n, int round) {
    Record r = GenericRecord.create(SCHEMA);
    long h = mix(i + 0x632be59bd9b4e019L);
    r.set(0, OffsetDateTime.ofInstant(instant(timestampMicros(i, n)), ZoneOffset.UTC));
    r.set(1, LEVELS[(int) Long.remainderUnsigned(h, LEVELS.length)]);
    r.set(2, message(i, round));
    r.set(3, "spark-" + Long.toHexString(app(i)) + "-exec-" + ((h >>> 16) % 40 + 1));
    r.set(4, NAMESPACES[(int) (app(i) % NAMESPACES.length)]);
    r.set(5, "spark-" + String.format("%032x", mix(app(i))).substring(0, 32));
    r.set(6, LOGGERS[(int) ((h >>> 24) % LOGGERS.length)]);
    r.set(7, eventId(i));
    r.set(8, i % 100_000 + 1);
    r.set(9, OffsetDateTime.ofInstant(instant(ingestedMicros(round)), ZoneOffset.UTC));
    return r;
  }

  /** The same row as a Beam row (timestamps as INT64 microseconds, see {@link RowSchemas}). */
  public static Row row(long i, long n, int round) {
    Record r = record(i, n, round);
    return Row.withSchema(ROW_SCHEMA)
        .addValues(
            timestampMicros(i, n),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
            r.get(7),
            r.get(8),
            ingestedMicros(round))
        .build();
  }

  /** Index of the {@code j}-th key of a round's batch. */
  public static long batchKey(long j, int round) {
    return j * BATCH_MODULUS + round;
  }

  public static long batchSize(long n, int round) {
    return (n - round + BATCH_MODULUS - 1) / BATCH_MODULUS;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /** The Beam function building round {@code round}'s batch from 0..batchSize-1. */
  public static final class BatchRow extends SimpleFunction<Long, Row> {
    private final long n;
    private final int round;

    public BatchRow(long n, int round) {
      this.n = n;
      this.round = round;
    }

    @Override
    public Row apply(Long j) {
      return row(batchKey(j, round), n, round);
    }
  }
}

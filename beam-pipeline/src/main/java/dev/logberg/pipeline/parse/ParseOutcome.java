package dev.logberg.pipeline.parse;

import java.util.Objects;
import org.apache.beam.sdk.values.Row;

/** What {@link LogLineParser#parse} made of one line. */
public sealed interface ParseOutcome {

  /** A landed line; the row has {@code SparkLogsTable.ROW_SCHEMA}. */
  record Parsed(Row row) implements ParseOutcome {
    public Parsed {
      Objects.requireNonNull(row, "row");
    }
  }

  /** A line that cannot be landed; {@code detail} says what is wrong with it, for a human. */
  record Rejected(RejectReason reason, String detail) implements ParseOutcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** An empty or whitespace-only line: counted by the caller, not rejected. */
  record Blank() implements ParseOutcome {}
}

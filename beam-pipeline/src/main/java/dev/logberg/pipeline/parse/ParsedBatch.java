package dev.logberg.pipeline.parse;

import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one batch of lines of one file became: its rows, its rejects, and, for the last batch of a
 * file that could not be read to its end, the error. The parse's one output, so that every line is
 * parsed once on every runner.
 *
 * <p>The rows are kept encoded, one byte array per batch, and decoded only by the step that hands
 * them to the write: a runner that moves or caches the batch copies bytes instead of walking a
 * thousand rows (Spark sizes every object it caches, which cost 86% of a run's samples with the
 * rows as objects), and the outcomes step never decodes them.
 */
public final class ParsedBatch {
  private final String appId;
  private final String sourceFile;
  private final int rowCount;
  private final byte[] encodedRows;
  private final List<Row> rejects;
  private final @Nullable String failure;

  /**
   * @param encodedRows {@code rowCount} rows of the data table, encoded by {@link EncodedRows}
   * @param rejects rows of the rejects table
   * @param failure why the file could not be read past this batch, or null
   */
  ParsedBatch(
      String appId,
      String sourceFile,
      int rowCount,
      byte[] encodedRows,
      List<Row> rejects,
      @Nullable String failure) {
    this.appId = appId;
    this.sourceFile = sourceFile;
    this.rowCount = rowCount;
    this.encodedRows = encodedRows;
    this.rejects = List.copyOf(rejects);
    this.failure = failure;
  }

  public String appId() {
    return appId;
  }

  public String sourceFile() {
    return sourceFile;
  }

  public int rowCount() {
    return rowCount;
  }

  /** The rows, decoded on every call. */
  public List<Row> rows() {
    return EncodedRows.decode(encodedRows, rowCount);
  }

  byte[] encodedRows() {
    return encodedRows;
  }

  public List<Row> rejects() {
    return rejects;
  }

  public @Nullable String failure() {
    return failure;
  }
}

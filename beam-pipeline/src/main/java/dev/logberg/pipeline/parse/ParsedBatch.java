package dev.logberg.pipeline.parse;

import dev.logberg.pipeline.tables.SparkLogsTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.RowCoder;
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
  private static final RowCoder ROW = RowCoder.of(SparkLogsTable.ROW_SCHEMA);

  private final String appId;
  private final String sourceFile;
  private final int rowCount;
  private final byte[] encodedRows;
  private final List<Row> rejects;
  private final @Nullable String failure;

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

  /**
   * @param rows rows of the data table
   * @param rejects rows of the rejects table
   * @param failure why the file could not be read past this batch, or null
   */
  public static ParsedBatch of(
      String appId,
      String sourceFile,
      List<Row> rows,
      List<Row> rejects,
      @Nullable String failure) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows.size() * 512);
    try {
      for (Row row : rows) {
        ROW.encode(row, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the rows of " + sourceFile, e);
    }
    return new ParsedBatch(appId, sourceFile, rows.size(), bytes.toByteArray(), rejects, failure);
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
    List<Row> rows = new ArrayList<>(rowCount);
    ByteArrayInputStream in = new ByteArrayInputStream(encodedRows);
    try {
      for (int i = 0; i < rowCount; i++) {
        rows.add(ROW.decode(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode the rows of " + sourceFile, e);
    }
    return rows;
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

package dev.logberg.pipeline.parse;

import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one batch of lines of one file became: its rows, its rejects, and, for the last batch of a
 * file that could not be read to its end, the error. The parse's one output, so that the parse has
 * one consumer chain and every line is parsed once on every runner.
 *
 * @param rows rows of the data table
 * @param rejects rows of the rejects table
 * @param failure why the file could not be read past this batch, or null
 */
public record ParsedBatch(
    String appId, String sourceFile, List<Row> rows, List<Row> rejects, @Nullable String failure) {

  public ParsedBatch {
    rows = List.copyOf(rows);
    rejects = List.copyOf(rejects);
  }
}
